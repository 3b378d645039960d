using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

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

    /// <summary>
    /// True when <paramref name="operation"/> is inside a lambda given to <c>WorkerContext.RunAsync</c>,
    /// or inside a local function used only there (an effect's helper: it runs only as part of the effect).
    /// </summary>
    public static bool IsInsideEffect(IOperation operation, INamedTypeSymbol workerContext) => IsInsideEffect(operation, workerContext, depth: 0);

    private static bool IsInsideEffect(IOperation operation, INamedTypeSymbol workerContext, int depth)
    {
        for (var current = operation.Parent; current is not null; current = current.Parent)
        {
            if (current is ILocalFunctionOperation local)
            {
                // Local functions calling each other in a cycle are not followed far.
                return depth < 8 && OnlyUsedInsideEffects(local, workerContext, depth);
            }
            if (current is not IAnonymousFunctionOperation) continue;
            var argument = current.Parent is IDelegateCreationOperation creation ? creation.Parent : current.Parent;
            if (argument is IArgumentOperation { Parent: IInvocationOperation invocation }
                && invocation.TargetMethod.Name == "RunAsync" && DerivesFrom(invocation.TargetMethod.ContainingType, workerContext))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>True when every call of (or reference to) <paramref name="local"/> in its method is inside an effect, and there is one.</summary>
    private static bool OnlyUsedInsideEffects(ILocalFunctionOperation local, INamedTypeSymbol workerContext, int depth)
    {
        var root = (IOperation)local;
        while (root.Parent is not null) root = root.Parent;
        var used = false;
        foreach (var descendant in root.Descendants())
        {
            var target = descendant switch
            {
                IInvocationOperation call => call.TargetMethod,
                IMethodReferenceOperation reference => reference.Method,
                _ => null,
            };
            if (target is null || !SymbolEqualityComparer.Default.Equals(target.OriginalDefinition, local.Symbol)) continue;
            if (!IsInsideEffect(descendant, workerContext, depth + 1)) return false;
            used = true;
        }
        return used;
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
