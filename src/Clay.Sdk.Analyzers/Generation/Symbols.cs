using System.Linq;
using Microsoft.CodeAnalysis;

namespace Clay.Sdk.Analyzers.Generation;

/// <summary>Names and attribute look-ups the generator shares.</summary>
internal static class Symbols
{
    public const string ClayName = "Clay.Sdk.ClayNameAttribute";
    public const string ClayIgnore = "Clay.Sdk.ClayIgnoreAttribute";

    /// <summary>How C# code names a type, with nullable annotations: <c>global::Cart.ProductItem?</c>.</summary>
    public static readonly SymbolDisplayFormat Code = SymbolDisplayFormat.FullyQualifiedFormat
        .AddMiscellaneousOptions(SymbolDisplayMiscellaneousOptions.IncludeNullableReferenceTypeModifier);

    /// <summary>How <c>typeof</c> names a type: no nullable reference annotations.</summary>
    public static readonly SymbolDisplayFormat TypeOf = SymbolDisplayFormat.FullyQualifiedFormat;

    /// <summary>How messages name a type: <c>Dictionary&lt;string, int&gt;</c>.</summary>
    public static readonly SymbolDisplayFormat Message = SymbolDisplayFormat.MinimallyQualifiedFormat;

    public static bool Has(ISymbol symbol, string attribute) =>
        symbol.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == attribute);

    /// <summary>The <c>[ClayName]</c> override, or the kebab-cased name.</summary>
    public static string NameOf(ISymbol symbol, string? clrName = null)
    {
        foreach (var attribute in symbol.GetAttributes())
        {
            if (attribute.AttributeClass?.ToDisplayString() == ClayName && attribute.ConstructorArguments.Length == 1
                && attribute.ConstructorArguments[0].Value is string name)
            {
                return name;
            }
        }
        return KebabCase.FromPascal(clrName ?? symbol.MetadataName);
    }

    public static bool HasClayName(ISymbol symbol) => Has(symbol, ClayName);

    /// <summary>True for types of the framework (System.*, Microsoft.*), which are never records or variants.</summary>
    public static bool IsFramework(ITypeSymbol type)
    {
        var ns = type.ContainingNamespace;
        if (ns is null || ns.IsGlobalNamespace) return false;
        var text = ns.ToDisplayString();
        return text == "System" || text.StartsWith("System.", System.StringComparison.Ordinal) || text.StartsWith("Microsoft.", System.StringComparison.Ordinal);
    }

    /// <summary>True when code at namespace level of the same assembly can name the type.</summary>
    public static bool IsNameable(ITypeSymbol type)
    {
        for (ISymbol? current = type; current is INamedTypeSymbol named; current = named.ContainingType)
        {
            if (named.DeclaredAccessibility is Accessibility.Private or Accessibility.Protected or Accessibility.ProtectedAndInternal) return false;
        }
        return true;
    }
}
