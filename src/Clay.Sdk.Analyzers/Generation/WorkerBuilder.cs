using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Clay.Sdk.Analyzers.Generation;

/// <summary>
/// Reads a <c>[ClayWorker]</c> class: its factory, its exported methods (public instance methods
/// declared in the class, less <c>[ClayIgnore]</c>, snapshot methods and record plumbing) and their
/// signatures. Every problem is reported at the member at fault.
/// </summary>
internal static class WorkerBuilder
{
    private static readonly HashSet<string> NotExported = new(System.StringComparer.Ordinal)
    {
        "Equals", "GetHashCode", "ToString", "Deconstruct", "<Clone>$", "PrintMembers",
    };

    public static (WorkerShape? Worker, List<DiagnosticInfo> Problems) Build(INamedTypeSymbol worker, Compilation compilation)
    {
        var shapes = new ShapeBuilder(compilation);
        var problems = shapes.Problems;
        var at = worker.Locations.FirstOrDefault();
        var takesContext = Factory(worker, compilation, at, problems);
        var functions = new List<FunctionShape>();
        var names = new HashSet<string>(System.StringComparer.Ordinal);
        foreach (var method in ExportedMethods(worker, compilation))
        {
            var function = Function(worker, method, shapes);
            if (function is null) continue;
            if (!names.Add(function.Name))
            {
                problems.Add(DiagnosticInfo.Create(ModelDiagnostics.DuplicateFunction, method.Locations.FirstOrDefault(), $"{worker.Name}.{method.Name}", function.Name));
                continue;
            }
            functions.Add(function);
        }
        if (functions.Count == 0 && problems.Count == 0) problems.Add(DiagnosticInfo.Create(ModelDiagnostics.NoFunctions, at, worker.Name));
        if (problems.Count > 0 || takesContext is null) return (null, problems);
        var interfaceName = worker.GetAttributes()
            .Where(a => a.AttributeClass?.ToDisplayString() == Determinism.WorkerScope.WorkerAttribute)
            .SelectMany(a => a.NamedArguments).Where(a => a.Key == "Interface").Select(a => a.Value.Value as string).FirstOrDefault()
            ?? KebabCase.FromPascal(worker.Name);
        return (new WorkerShape(ShapeBuilder.Code(worker), MetadataName(worker), interfaceName, takesContext.Value, shapes.NamedInOrder, functions), problems);
    }

    /// <summary>True: built with its context; false: parameterless; null after a problem.</summary>
    private static bool? Factory(INamedTypeSymbol worker, Compilation compilation, Location? at, List<DiagnosticInfo> problems)
    {
        if (worker.IsAbstract || worker.IsGenericType)
        {
            problems.Add(DiagnosticInfo.Create(ModelDiagnostics.InvalidWorker, at, worker.Name, "a worker class must be a concrete, non-generic class"));
            return null;
        }
        if (!Symbols.IsNameable(worker))
        {
            problems.Add(DiagnosticInfo.Create(ModelDiagnostics.Inaccessible, at, worker.Name, worker.Name));
            return null;
        }
        var context = compilation.GetTypeByMetadataName(Determinism.WorkerScope.WorkerContext);
        var publicConstructors = worker.InstanceConstructors.Where(c => c.DeclaredAccessibility == Accessibility.Public).ToList();
        if (publicConstructors.Any(c => c.Parameters.Length == 1 && SymbolEqualityComparer.Default.Equals(c.Parameters[0].Type, context))) return true;
        if (publicConstructors.Any(c => c.Parameters.Length == 0)) return false;
        problems.Add(DiagnosticInfo.Create(ModelDiagnostics.InvalidWorker, at, worker.Name, "needs a public constructor taking a WorkerContext, or a parameterless one"));
        return null;
    }

    private static IEnumerable<IMethodSymbol> ExportedMethods(INamedTypeSymbol worker, Compilation compilation)
    {
        var snapshot = compilation.GetTypeByMetadataName("Clay.Sdk.ISnapshotable");
        var snapshotMethods = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
        if (snapshot is not null && worker.AllInterfaces.Contains(snapshot, SymbolEqualityComparer.Default))
        {
            foreach (var member in snapshot.GetMembers())
            {
                if (worker.FindImplementationForInterfaceMember(member) is { } implementation) snapshotMethods.Add(implementation);
            }
        }
        return worker.GetMembers().OfType<IMethodSymbol>().Where(m =>
            m is { MethodKind: MethodKind.Ordinary, IsStatic: false, DeclaredAccessibility: Accessibility.Public }
            && !Symbols.Has(m, Symbols.ClayIgnore) && !snapshotMethods.Contains(m) && !NotExported.Contains(m.Name));
    }

    private static FunctionShape? Function(INamedTypeSymbol worker, IMethodSymbol method, ShapeBuilder shapes)
    {
        var where = $"{worker.Name}.{method.Name}";
        if (method.IsGenericMethod)
        {
            shapes.Problems.Add(DiagnosticInfo.Create(ModelDiagnostics.GenericMethod, method.Locations.FirstOrDefault(), where));
            return null;
        }
        var ok = true;
        var parameters = new List<(string, Shape)>();
        foreach (var parameter in method.Parameters)
        {
            var location = parameter.Locations.FirstOrDefault();
            if (parameter.RefKind != RefKind.None)
            {
                shapes.Problems.Add(DiagnosticInfo.Create(ModelDiagnostics.ByRefParameter, location, $"{where}({parameter.Name})"));
                ok = false;
                continue;
            }
            var shape = shapes.Map(parameter.Type, $"{where}({parameter.Name})", location);
            if (shape is null) ok = false;
            else parameters.Add((Symbols.HasClayName(parameter) ? Symbols.NameOf(parameter) : KebabCase.FromPascal(parameter.Name), shape));
        }
        var (resultType, returns) = Unwrap(method.ReturnType);
        Shape? result = null;
        if (resultType is not null)
        {
            var returnLocation = method.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax() is MethodDeclarationSyntax declaration
                ? declaration.ReturnType.GetLocation()
                : method.Locations.FirstOrDefault();
            result = shapes.Map(resultType, $"{where} result", returnLocation);
            if (result is null) ok = false;
        }
        if (!ok) return null;
        // .NET names asynchronous methods FooAsync; the exported function is foo ([ClayName] overrides).
        var name = !Symbols.HasClayName(method) && returns != ReturnKind.Sync && method.Name.Length > "Async".Length
                   && method.Name.EndsWith("Async", System.StringComparison.Ordinal)
            ? KebabCase.FromPascal(method.Name.Substring(0, method.Name.Length - "Async".Length))
            : Symbols.NameOf(method);
        return new FunctionShape(name, method.Name, parameters, result, returns);
    }

    private static (ITypeSymbol? Result, ReturnKind Returns) Unwrap(ITypeSymbol returnType)
    {
        if (returnType.SpecialType == SpecialType.System_Void) return (null, ReturnKind.Sync);
        if (returnType is INamedTypeSymbol named && named.ContainingNamespace?.ToDisplayString() == "System.Threading.Tasks")
        {
            switch (named.MetadataName)
            {
                case "Task": return (null, ReturnKind.Task);
                case "ValueTask": return (null, ReturnKind.ValueTask);
                case "Task`1": return (named.TypeArguments[0], ReturnKind.Task);
                case "ValueTask`1": return (named.TypeArguments[0], ReturnKind.ValueTask);
            }
        }
        return (returnType, ReturnKind.Sync);
    }

    private static string MetadataName(INamedTypeSymbol type)
    {
        var parts = new List<string>();
        for (ISymbol? current = type; current is INamedTypeSymbol named; current = named.ContainingType) parts.Insert(0, named.MetadataName);
        var ns = type.ContainingNamespace;
        if (ns is not null && !ns.IsGlobalNamespace) parts.Insert(0, ns.ToDisplayString());
        return string.Join(".", parts);
    }
}
