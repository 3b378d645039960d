using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace Clay.Sdk.Analyzers.Generation;

/// <summary>
/// Maps .NET types to interface types by the rules of DESIGN.md §2, exactly as the runtime's
/// reflection mapper does, collecting every problem (each naming the member and the type) instead
/// of stopping at the first. Named types are kept in first-use order, innermost first.
/// </summary>
internal sealed partial class ShapeBuilder(Compilation compilation)
{
    private readonly Dictionary<ITypeSymbol, Shape> _named = new(SymbolEqualityComparer.Default);
    private readonly Dictionary<string, ITypeSymbol> _namesInUse = new(System.StringComparer.Ordinal);
    private readonly HashSet<ITypeSymbol> _inProgress = new(SymbolEqualityComparer.Default);
    private readonly INamedTypeSymbol? _rune = compilation.GetTypeByMetadataName("System.Text.Rune");
    private readonly INamedTypeSymbol? _unit = compilation.GetTypeByMetadataName("Clay.Sdk.Unit");
    private Location? _at;

    public List<DiagnosticInfo> Problems { get; } = [];

    /// <summary>The named types (records, variants, enums, flags) in first-use order.</summary>
    public List<Shape> NamedInOrder { get; } = [];

    /// <summary>The shape of <paramref name="type"/> used at <paramref name="member"/>, or null after recording a problem at <paramref name="at"/>.</summary>
    public Shape? Map(ITypeSymbol type, string member, Location? at)
    {
        _at = at;
        return Map(type, member);
    }

    private Shape? Map(ITypeSymbol type, string member)
    {
        if (type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } nullable)
        {
            var inner = Map(nullable.TypeArguments[0], member);
            return inner is null ? null : new Shape.Option(Code(type), TypeOf(type), inner);
        }
        if (!type.IsValueType && type.NullableAnnotation == NullableAnnotation.Annotated)
        {
            var inner = MapNonNull(type.WithNullableAnnotation(NullableAnnotation.NotAnnotated), member);
            return inner is null ? null : new Shape.Option(Code(type), TypeOf(type), inner);
        }
        return MapNonNull(type, member);
    }

    private Shape? MapNonNull(ITypeSymbol type, string member)
    {
        if (Primitive(type) is { } primitive) return primitive;
        if (type is IArrayTypeSymbol { Rank: 1 } array) return List(type, array.ElementType, "Array", member);
        if (type is INamedTypeSymbol { IsGenericType: true } generic)
        {
            var arguments = generic.TypeArguments;
            switch (FullName(generic.OriginalDefinition))
            {
                case "System.Collections.Generic.List`1" or "System.Collections.Generic.IReadOnlyList`1" or "System.Collections.Generic.IList`1"
                    or "System.Collections.Generic.IEnumerable`1" or "System.Collections.Generic.IReadOnlyCollection`1" or "System.Collections.Generic.ICollection`1":
                    return List(type, arguments[0], "List", member);
                case "System.Collections.Immutable.ImmutableArray`1":
                    return List(type, arguments[0], "ImmutableArray", member);
                case "Clay.Sdk.Result`2":
                    return Result(type, arguments, member);
                case var name when name.StartsWith("System.ValueTuple`", System.StringComparison.Ordinal):
                    return Tuple(type, arguments, member);
            }
        }
        if (_named.TryGetValue(type, out var known)) return known;
        if (type.TypeKind == TypeKind.Enum) return Register(type, member, () => EnumOrFlags((INamedTypeSymbol)type));
        if (IsVariant(type)) return Register(type, member, () => Variant((INamedTypeSymbol)type, member));
        if (IsRecordLike(type)) return Register(type, member, () => Record((INamedTypeSymbol)type, Symbols.NameOf(type), member));
        return Unsupported(type, member);
    }

    private Shape? Primitive(ITypeSymbol type)
    {
        var wit = type.SpecialType switch
        {
            SpecialType.System_Boolean => "bool",
            SpecialType.System_SByte => "s8",
            SpecialType.System_Int16 => "s16",
            SpecialType.System_Int32 => "s32",
            SpecialType.System_Int64 => "s64",
            SpecialType.System_Byte => "u8",
            SpecialType.System_UInt16 => "u16",
            SpecialType.System_UInt32 => "u32",
            SpecialType.System_UInt64 => "u64",
            SpecialType.System_Single => "f32",
            SpecialType.System_Double => "f64",
            SpecialType.System_Char => "char",
            SpecialType.System_String => "string",
            _ => SymbolEqualityComparer.Default.Equals(type, _rune) ? "char" : null,
        };
        return wit is null ? null : new Shape.Primitive(Code(type), TypeOf(type), wit);
    }

    private Shape? Unsupported(ITypeSymbol type, string member)
    {
        var hint = type switch
        {
            INamedTypeSymbol { IsGenericType: true } g when g.OriginalDefinition.Name.StartsWith("Dictionary", System.StringComparison.Ordinal) => ": use a list of records",
            { SpecialType: SpecialType.System_DateTime } => ": use a u64 or s64 timestamp, or a string",
            _ when FullName(type) == "System.DateTimeOffset" => ": use a u64 or s64 timestamp, or a string",
            _ when FullName(type) == "System.Guid" => ": use a string",
            { SpecialType: SpecialType.System_Decimal } => ": use f64 or a string",
            { SpecialType: SpecialType.System_Object } => ": the interface needs a concrete type",
            _ => "",
        };
        Problem(ModelDiagnostics.UnsupportedType, member, Display(type), hint);
        return null;
    }

    private Shape? Register(ITypeSymbol type, string member, System.Func<Shape?> build)
    {
        if (!_inProgress.Add(type))
        {
            Problem(ModelDiagnostics.RecursiveType, member, Display(type));
            return null;
        }
        try
        {
            if (!Symbols.IsNameable(type))
            {
                Problem(ModelDiagnostics.Inaccessible, member, Display(type));
                return null;
            }
            var shape = build();
            if (shape is null) return null;
            var name = shape.NamedAs!;
            if (_namesInUse.TryGetValue(name, out var other) && !SymbolEqualityComparer.Default.Equals(other, type))
            {
                Problem(ModelDiagnostics.DuplicateTypeName, member, other.ToDisplayString(), type.ToDisplayString(), name);
                return null;
            }
            _namesInUse[name] = type;
            _named[type] = shape;
            NamedInOrder.Add(shape);
            return shape;
        }
        finally
        {
            _inProgress.Remove(type);
        }
    }

    private Shape? List(ITypeSymbol type, ITypeSymbol element, string kind, string member)
    {
        var inner = Map(element, member);
        return inner is null ? null : new Shape.List(Code(type), TypeOf(type), inner, kind);
    }

    private Shape? Result(ITypeSymbol type, IReadOnlyList<ITypeSymbol> arguments, string member)
    {
        var okIsUnit = SymbolEqualityComparer.Default.Equals(arguments[0], _unit);
        var errIsUnit = SymbolEqualityComparer.Default.Equals(arguments[1], _unit);
        var ok = okIsUnit ? null : Map(arguments[0], member);
        var err = errIsUnit ? null : Map(arguments[1], member);
        if ((ok is null && !okIsUnit) || (err is null && !errIsUnit)) return null;
        return new Shape.Result(Code(type), TypeOf(type), Code(arguments[0]), Code(arguments[1]), ok, err);
    }

    private Shape? Tuple(ITypeSymbol type, IReadOnlyList<ITypeSymbol> arguments, string member)
    {
        if (arguments.Count == 8)
        {
            Problem(ModelDiagnostics.LongTuple, member);
            return null;
        }
        var elements = arguments.Select(a => Map(a, member)).ToList();
        return elements.Any(e => e is null) ? null : new Shape.Tuple(Code(type), TypeOf(type), elements!);
    }

    private void Problem(DiagnosticDescriptor descriptor, params string[] arguments) =>
        Problems.Add(DiagnosticInfo.Create(descriptor, _at, arguments));

    internal static string Code(ITypeSymbol type) => type.ToDisplayString(Symbols.Code);

    internal static string TypeOf(ITypeSymbol type) => type.WithNullableAnnotation(NullableAnnotation.NotAnnotated).ToDisplayString(Symbols.TypeOf);

    internal static string Display(ITypeSymbol type) => type.ToDisplayString(Symbols.Message);

    private static string FullName(ITypeSymbol type)
    {
        var ns = type.ContainingNamespace;
        return ns is null || ns.IsGlobalNamespace ? type.MetadataName : ns.ToDisplayString() + "." + type.MetadataName;
    }
}
