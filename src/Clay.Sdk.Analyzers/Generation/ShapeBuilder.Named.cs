using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace Clay.Sdk.Analyzers.Generation;

internal sealed partial class ShapeBuilder
{
    private List<INamedTypeSymbol>? _allTypes;

    private static bool IsVariantCandidate(ITypeSymbol type) =>
        type is INamedTypeSymbol { TypeKind: TypeKind.Class, IsAbstract: true } && !Symbols.IsFramework(type);

    private bool IsVariant(ITypeSymbol type) => IsVariantCandidate(type) && CasesOf((INamedTypeSymbol)type).Count > 0;

    private static bool IsRecordLike(ITypeSymbol type) =>
        type is INamedTypeSymbol { TypeKind: TypeKind.Class or TypeKind.Struct, IsAbstract: false } named
        && !Symbols.IsFramework(type) && !named.IsUnboundGenericType && !ContainsTypeParameters(named)
        && PropertiesOf(named, declaredOnly: false).Count > 0;

    private static bool ContainsTypeParameters(INamedTypeSymbol type) =>
        type.TypeArguments.Any(a => a is ITypeParameterSymbol || (a is INamedTypeSymbol n && ContainsTypeParameters(n)));

    /// <summary>
    /// The sealed classes deriving directly from <paramref name="variant"/> in its assembly, in
    /// declaration order (the order of their metadata tokens, which the reflection model uses).
    /// </summary>
    private List<INamedTypeSymbol> CasesOf(INamedTypeSymbol variant)
    {
        IEnumerable<INamedTypeSymbol> candidates;
        if (SymbolEqualityComparer.Default.Equals(variant.ContainingAssembly, compilation.Assembly))
        {
            _allTypes ??= AllTypes(compilation.Assembly.GlobalNamespace).ToList();
            candidates = _allTypes;
        }
        else
        {
            candidates = AllTypes(variant.ContainingAssembly.GlobalNamespace);
        }
        var cases = candidates.Where(t => t.IsSealed && SymbolEqualityComparer.Default.Equals(t.BaseType, variant)).ToList();
        var trees = compilation.SyntaxTrees.Select((t, i) => (t, i)).ToDictionary(x => x.t, x => x.i);
        return cases
            .Select((t, i) => (Type: t, Index: i, Location: t.Locations.FirstOrDefault(l => l.IsInSource)))
            .OrderBy(x => x.Location?.SourceTree is { } tree && trees.TryGetValue(tree, out var index) ? index : int.MaxValue)
            .ThenBy(x => x.Location?.SourceSpan.Start ?? x.Index)
            .Select(x => x.Type)
            .ToList();
    }

    private static IEnumerable<INamedTypeSymbol> AllTypes(INamespaceOrTypeSymbol container)
    {
        foreach (var member in container.GetMembers())
        {
            if (member is INamespaceSymbol ns)
            {
                foreach (var type in AllTypes(ns)) yield return type;
            }
            else if (member is INamedTypeSymbol type)
            {
                yield return type;
                foreach (var nested in AllTypes(type)) yield return nested;
            }
        }
    }

    /// <summary>
    /// Public readable instance properties without <c>[ClayIgnore]</c>: inherited ones first (base
    /// classes outermost first), then the type's own, each in declaration order.
    /// </summary>
    internal static List<IPropertySymbol> PropertiesOf(INamedTypeSymbol type, bool declaredOnly)
    {
        var overridden = new HashSet<IPropertySymbol>(SymbolEqualityComparer.Default);
        var levels = new List<List<IPropertySymbol>>();
        for (var current = type; current is not null && current.SpecialType != SpecialType.System_Object; current = current.BaseType)
        {
            var level = new List<IPropertySymbol>();
            foreach (var property in current.GetMembers().OfType<IPropertySymbol>())
            {
                if (overridden.Contains(property)) continue;
                for (var o = property.OverriddenProperty; o is not null; o = o.OverriddenProperty) overridden.Add(o);
                if (!property.IsStatic && !property.IsIndexer && property.GetMethod is { DeclaredAccessibility: Accessibility.Public }
                    && property.DeclaredAccessibility == Accessibility.Public && !Symbols.Has(property, Symbols.ClayIgnore))
                {
                    level.Add(property);
                }
            }
            levels.Add(level);
            if (declaredOnly) break;
        }
        var result = new List<IPropertySymbol>();
        for (var i = levels.Count - 1; i >= 1; i--) result.AddRange(levels[i]);
        if (levels.Count > 0) result.AddRange(levels[0]);
        return result;
    }

    private Shape? EnumOrFlags(INamedTypeSymbol type)
    {
        var name = Symbols.NameOf(type);
        var members = type.GetMembers().OfType<IFieldSymbol>().Where(f => f.IsStatic && f.HasConstantValue && f.DeclaredAccessibility == Accessibility.Public).ToList();
        if (type.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == "System.FlagsAttribute"))
        {
            var flags = members
                .Select(f => (Name: Symbols.NameOf(f), Bit: Bits(f.ConstantValue)))
                .Where(f => f.Bit is { } bit && bit != 0 && (bit & (bit - 1)) == 0)
                .Select(f => (f.Name, f.Bit!.Value))
                .ToList();
            return new Shape.Flags(Code(type), TypeOf(type), name, flags);
        }
        return new Shape.Enum(Code(type), TypeOf(type), name, members.Select(f => (Symbols.NameOf(f), f.Name)).ToList());
    }

    /// <summary>The value's bits, or null for a negative value (never a single flag).</summary>
    private static ulong? Bits(object? value) => value switch
    {
        sbyte v => v < 0 ? null : (ulong)v,
        short v => v < 0 ? null : (ulong)v,
        int v => v < 0 ? null : (ulong)v,
        long v => v < 0 ? null : (ulong)v,
        byte v => v,
        ushort v => v,
        uint v => v,
        ulong v => v,
        _ => null,
    };

    private Shape? Variant(INamedTypeSymbol type, string member)
    {
        var variantName = Symbols.NameOf(type);
        var cases = new List<Case>();
        foreach (var caseType in CasesOf(type))
        {
            var caseName = Symbols.NameOf(caseType);
            var properties = PropertiesOf(caseType, declaredOnly: true);
            var where = $"{member} → {Display(type)}.{caseType.Name}";
            if (!Symbols.IsNameable(caseType))
            {
                Problem(ModelDiagnostics.Inaccessible, where, Display(caseType));
                return null;
            }
            switch (properties.Count)
            {
                case 0:
                    var construct = Constructor(caseType, properties, where);
                    if (construct is null) return null;
                    cases.Add(new Case(caseName, Code(caseType), TypeOf(caseType), null, null, construct));
                    break;
                case 1:
                    var payload = Map(properties[0].Type, where);
                    var single = Constructor(caseType, properties, where);
                    if (payload is null || single is null) return null;
                    cases.Add(new Case(caseName, Code(caseType), TypeOf(caseType), payload, properties[0].Name, single));
                    break;
                default:
                    var record = Record(caseType, $"{variantName}-{caseName}", where);
                    if (record is null) return null;
                    NamedInOrder.Add(record);
                    cases.Add(new Case(caseName, Code(caseType), TypeOf(caseType), record, null, null));
                    break;
            }
        }
        return new Shape.Variant(Code(type), TypeOf(type), variantName, cases);
    }

    private Shape.Record? Record(INamedTypeSymbol type, string name, string member)
    {
        var properties = PropertiesOf(type, declaredOnly: false);
        var fields = new List<Field>();
        foreach (var property in properties)
        {
            var shape = Map(property.Type, $"{member} → {Display(type)}.{property.Name}");
            if (shape is null) return null;
            fields.Add(new Field(Symbols.NameOf(property), property.Name, shape));
        }
        var create = Constructor(type, properties, member);
        return create is null ? null : new Shape.Record(Code(type), TypeOf(type), name, fields, create);
    }

    /// <summary>
    /// A public constructor whose parameters match <paramref name="properties"/> by name (ignoring
    /// case), the longest first; else a parameterless one (or a struct's default) with public setters.
    /// </summary>
    private Construction? Constructor(INamedTypeSymbol type, List<IPropertySymbol> properties, string member)
    {
        var constructors = type.InstanceConstructors
            .Where(c => c.DeclaredAccessibility == Accessibility.Public && !(type.IsValueType && c.IsImplicitlyDeclared))
            .Select((c, i) => (Ctor: c, Index: i))
            .OrderByDescending(x => x.Ctor.Parameters.Length).ThenBy(x => x.Index)
            .Select(x => x.Ctor);
        foreach (var ctor in constructors)
        {
            if (ctor.Parameters.Length != properties.Count) continue;
            var order = ctor.Parameters
                .Select(p => (Field: properties.FindIndex(q => string.Equals(q.Name, p.Name, System.StringComparison.OrdinalIgnoreCase)), Clr: Code(p.Type)))
                .ToList();
            if (order.Any(o => o.Field < 0)) continue;
            return new Construction(order);
        }
        var parameterless = type.InstanceConstructors.Any(c => c.Parameters.Length == 0 && c.DeclaredAccessibility == Accessibility.Public);
        if ((parameterless || type.IsValueType) && properties.All(p => p.SetMethod is { DeclaredAccessibility: Accessibility.Public }))
        {
            return new Construction(null);
        }
        Problem(ModelDiagnostics.NotConstructible, member, Display(type));
        return null;
    }
}
