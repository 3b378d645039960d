using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Clay.Sdk.Analyzers.Determinism;

/// <summary>
/// CLAY015: static fields a worker could change — writable static fields and auto-properties, and
/// read-only static fields holding a mutable collection. Constants and read-only fields of other
/// types (lookup tables, locks, options) are left alone.
/// </summary>
internal static class StaticState
{
    private static readonly string[] MutableCollections =
    [
        "List", "Dictionary", "HashSet", "SortedSet", "SortedList", "SortedDictionary", "Queue", "Stack", "LinkedList",
        "PriorityQueue", "ConcurrentDictionary", "ConcurrentQueue", "ConcurrentStack", "ConcurrentBag", "BlockingCollection",
        "ArrayList", "Hashtable",
    ];

    public static void Analyze(SymbolAnalysisContext context)
    {
        var field = (IFieldSymbol)context.Symbol;
        if (!field.IsStatic || field.IsConst || field.ContainingType.TypeKind == TypeKind.Enum) return;
        if (field.IsReadOnly && !IsMutableCollection(field.Type)) return;
        // An auto-property's backing field is reported at the property.
        var symbol = field.IsImplicitlyDeclared ? field.AssociatedSymbol : field;
        if (symbol is null || symbol.IsImplicitlyDeclared || symbol.Locations.Length == 0 || !symbol.Locations[0].IsInSource) return;
        context.ReportDiagnostic(Diagnostic.Create(DeterminismRules.StaticState, symbol.Locations[0], $"{field.ContainingType.Name}.{symbol.Name}"));
    }

    private static bool IsMutableCollection(ITypeSymbol type)
    {
        if (type is not INamedTypeSymbol named) return false;
        var ns = named.ContainingNamespace?.ToDisplayString();
        return ns is "System.Collections" or "System.Collections.Generic" or "System.Collections.Concurrent"
               && System.Array.IndexOf(MutableCollections, named.Name) >= 0;
    }
}
