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

    public static void AnalyzeField(SymbolAnalysisContext context)
    {
        var field = (IFieldSymbol)context.Symbol;
        if (field.IsImplicitlyDeclared || !IsMutable(field)) return;
        Report(context, field);
    }

    /// <summary>A static auto-property is state when its backing field is.</summary>
    public static void AnalyzeProperty(SymbolAnalysisContext context)
    {
        var property = (IPropertySymbol)context.Symbol;
        if (!property.IsStatic) return;
        foreach (var member in property.ContainingType.GetMembers())
        {
            if (member is IFieldSymbol field && SymbolEqualityComparer.Default.Equals(field.AssociatedSymbol, property) && IsMutable(field))
            {
                Report(context, property);
                return;
            }
        }
    }

    private static bool IsMutable(IFieldSymbol field) =>
        field.IsStatic && !field.IsConst && field.ContainingType.TypeKind != TypeKind.Enum && (!field.IsReadOnly || IsMutableCollection(field.Type));

    private static void Report(SymbolAnalysisContext context, ISymbol symbol)
    {
        if (symbol.Locations.Length == 0 || !symbol.Locations[0].IsInSource) return;
        context.ReportDiagnostic(Diagnostic.Create(DeterminismRules.StaticState, symbol.Locations[0], $"{symbol.ContainingType.Name}.{symbol.Name}"));
    }

    private static bool IsMutableCollection(ITypeSymbol type)
    {
        if (type is not INamedTypeSymbol named) return false;
        var ns = named.ContainingNamespace?.ToDisplayString();
        return ns is "System.Collections" or "System.Collections.Generic" or "System.Collections.Concurrent"
               && System.Array.IndexOf(MutableCollections, named.Name) >= 0;
    }
}
