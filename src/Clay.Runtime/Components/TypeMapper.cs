using System.Collections.Immutable;
using System.Linq.Expressions;
using System.Reflection;
using Clay.Runtime.Components.Converters;
using Clay.Runtime.Types;
using Clay.Sdk;

namespace Clay.Runtime.Components;

/// <summary>
/// Maps .NET types to Clay's type model and builds their converters, once per component. Problems
/// are collected (each naming the member and the type) instead of stopping at the first one.
/// </summary>
internal sealed partial class TypeMapper
{
    private readonly Dictionary<Type, ValueConverter> _named = [];
    private readonly Dictionary<string, Type> _namesInUse = new(StringComparer.Ordinal);
    private readonly HashSet<Type> _inProgress = [];
    private readonly List<ClayType> _namedInOrder = [];

    public List<string> Problems { get; } = [];

    /// <summary>The named types (records, variants, enums, flags) in first-use order.</summary>
    public IReadOnlyList<ClayType> NamedTypes => _namedInOrder;

    /// <summary>The converter for <paramref name="type"/> used at <paramref name="member"/>, or null after recording a problem.</summary>
    public ValueConverter? Map(Type type, NullabilityInfo? nullability, string member)
    {
        if (Nullable.GetUnderlyingType(type) is { } underlying)
        {
            var inner = Map(underlying, null, member);
            return inner is null ? null : new OptionConverter(inner);
        }
        if (!type.IsValueType && nullability?.ReadState == NullabilityState.Nullable)
        {
            var inner = MapNonNull(type, nullability, member);
            return inner is null ? null : new OptionConverter(inner);
        }
        return MapNonNull(type, nullability, member);
    }

    private ValueConverter? MapNonNull(Type type, NullabilityInfo? nullability, string member)
    {
        if (PrimitiveConverter.For(type) is { } primitive) return primitive;
        if (type.IsArray && type.GetArrayRank() == 1)
        {
            return List(type.GetElementType()!, nullability?.ElementType, ListShape.Array, member);
        }
        if (type.IsGenericType)
        {
            var definition = type.GetGenericTypeDefinition();
            var arguments = type.GetGenericArguments();
            var argumentNullability = nullability?.GenericTypeArguments;
            if (definition == typeof(List<>) || definition == typeof(IReadOnlyList<>) || definition == typeof(IList<>)
                || definition == typeof(IEnumerable<>) || definition == typeof(IReadOnlyCollection<>) || definition == typeof(ICollection<>))
            {
                return List(arguments[0], argumentNullability?[0], ListShape.List, member);
            }
            if (definition == typeof(ImmutableArray<>)) return List(arguments[0], argumentNullability?[0], ListShape.ImmutableArray, member);
            if (definition == typeof(Result<,>)) return Result(arguments, argumentNullability, member);
            if (type.FullName?.StartsWith("System.ValueTuple`", StringComparison.Ordinal) == true) return Tuple(type, argumentNullability, member);
        }
        if (_named.TryGetValue(type, out var known)) return known;
        if (type.IsEnum) return Register(type, member, () => EnumOrFlags(type));
        if (IsVariant(type)) return Register(type, member, () => Variant(type, member));
        if (IsRecordLike(type)) return Register(type, member, () => Record(type, NameOf(type), member));
        return Unsupported(type, member);
    }

    private ValueConverter? Unsupported(Type type, string member)
    {
        var hint = type switch
        {
            _ when type.IsGenericType && type.GetGenericTypeDefinition().Name.StartsWith("Dictionary", StringComparison.Ordinal)
                => ": use a list of records",
            _ when type == typeof(DateTime) || type == typeof(DateTimeOffset) => ": use a u64 or s64 timestamp, or a string",
            _ when type == typeof(Guid) => ": use a string",
            _ when type == typeof(decimal) => ": use f64 or a string",
            _ when type == typeof(object) => ": the interface needs a concrete type",
            _ => "",
        };
        Problems.Add($"{member}: type {Display(type)} is not supported{hint}");
        return null;
    }

    private ValueConverter? Register(Type type, string member, Func<ValueConverter?> build)
    {
        if (!_inProgress.Add(type))
        {
            Problems.Add($"{member}: type {Display(type)} refers to itself; recursive types are not supported");
            return null;
        }
        try
        {
            var converter = build();
            if (converter is null) return null;
            var name = converter.Type switch
            {
                ClayType.Record r => r.Name,
                ClayType.Variant v => v.Name,
                ClayType.Enum e => e.Name,
                ClayType.Flags f => f.Name,
                _ => throw new InvalidOperationException(),
            };
            if (_namesInUse.TryGetValue(name, out var other) && other != type)
            {
                Problems.Add($"{member}: types {Display(other)} and {Display(type)} both have the interface name '{name}'; rename one with [ClayName]");
                return null;
            }
            _namesInUse[name] = type;
            _named[type] = converter;
            _namedInOrder.Add(converter.Type);
            return converter;
        }
        finally
        {
            _inProgress.Remove(type);
        }
    }

    private ValueConverter? List(Type element, NullabilityInfo? elementNullability, ListShape shape, string member)
    {
        var inner = Map(element, elementNullability, member);
        return inner is null ? null : (ValueConverter)Activator.CreateInstance(typeof(ListConverter<>).MakeGenericType(element), inner, shape)!;
    }

    private ValueConverter? Result(Type[] arguments, NullabilityInfo[]? nullability, string member)
    {
        var ok = arguments[0] == typeof(Unit) ? null : Map(arguments[0], nullability?[0], member);
        var err = arguments[1] == typeof(Unit) ? null : Map(arguments[1], nullability?[1], member);
        if ((ok is null && arguments[0] != typeof(Unit)) || (err is null && arguments[1] != typeof(Unit))) return null;
        return (ValueConverter)Activator.CreateInstance(typeof(ResultConverter<,>).MakeGenericType(arguments), ok, err)!;
    }

    private ValueConverter? Tuple(Type type, NullabilityInfo[]? nullability, string member)
    {
        var arguments = type.GetGenericArguments();
        if (arguments.Length == 8)
        {
            Problems.Add($"{member}: tuples of more than 7 elements are not supported");
            return null;
        }
        var elements = arguments.Select((a, i) => Map(a, nullability?[i], member)).ToArray();
        if (elements.Any(e => e is null)) return null;
        var values = Expression.Parameter(typeof(object?[]), "values");
        var create = Expression.Lambda<Func<object?[], object>>(Expression.Convert(
            Expression.New(type.GetConstructor(arguments)!, arguments.Select((a, i) =>
                (Expression)Expression.Convert(Expression.ArrayIndex(values, Expression.Constant(i)), a))), typeof(object)), values).Compile();
        return new TupleConverter(elements!, create);
    }

    internal static string NameOf(MemberInfo member) =>
        member.GetCustomAttribute<ClayNameAttribute>()?.Name ?? KebabCase.FromPascal(member.Name);

    internal static string Display(Type type)
    {
        if (!type.IsGenericType) return type.Name;
        var name = type.Name[..type.Name.IndexOf('`', StringComparison.Ordinal)];
        return $"{name}<{string.Join(", ", type.GetGenericArguments().Select(Display))}>";
    }
}
