using System.Linq;
using Microsoft.CodeAnalysis;

namespace Clay.Sdk.Analyzers.Determinism;

/// <summary>
/// Which code the determinism rules apply to: the whole compilation of a project that declares a
/// <c>[ClayWorker]</c> class (a component project exists to be called by its worker), except code
/// inside an effect passed to <c>WorkerContext.RunAsync</c>, whose outcome the context records.
/// </summary>
internal static class WorkerScope
{
    public const string WorkerAttribute = "Clay.Sdk.ClayWorkerAttribute";
    public const string WorkerContext = "Clay.Sdk.WorkerContext";

    /// <summary>True when the compilation declares a class marked <c>[ClayWorker]</c>.</summary>
    public static bool DeclaresWorker(Compilation compilation, INamedTypeSymbol workerAttribute) =>
        DeclaresWorker(compilation.Assembly.GlobalNamespace, workerAttribute);

    private static bool DeclaresWorker(INamespaceOrTypeSymbol container, INamedTypeSymbol workerAttribute)
    {
        foreach (var member in container.GetMembers())
        {
            switch (member)
            {
                case INamespaceSymbol ns when DeclaresWorker(ns, workerAttribute):
                    return true;
                case INamedTypeSymbol type:
                    if (type.GetAttributes().Any(a => SymbolEqualityComparer.Default.Equals(a.AttributeClass, workerAttribute))) return true;
                    if (DeclaresWorker(type, workerAttribute)) return true;
                    break;
            }
        }
        return false;
    }

    /// <summary>True when <paramref name="operation"/> is inside a lambda given to <c>WorkerContext.RunAsync</c>.</summary>
    public static bool IsInsideEffect(IOperation operation, INamedTypeSymbol workerContext)
    {
        for (var current = operation.Parent; current is not null; current = current.Parent)
        {
            if (current is not Microsoft.CodeAnalysis.Operations.IAnonymousFunctionOperation) continue;
            var argument = current.Parent is Microsoft.CodeAnalysis.Operations.IDelegateCreationOperation creation ? creation.Parent : current.Parent;
            if (argument is Microsoft.CodeAnalysis.Operations.IArgumentOperation { Parent: Microsoft.CodeAnalysis.Operations.IInvocationOperation invocation }
                && invocation.TargetMethod.Name == "RunAsync" && DerivesFrom(invocation.TargetMethod.ContainingType, workerContext))
            {
                return true;
            }
        }
        return false;
    }

    public static bool DerivesFrom(ITypeSymbol? type, INamedTypeSymbol baseType)
    {
        for (var current = type; current is not null; current = current.BaseType)
        {
            if (SymbolEqualityComparer.Default.Equals(current, baseType)) return true;
        }
        return false;
    }
}
