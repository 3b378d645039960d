using System.Linq.Expressions;
using System.Reflection;
using Clay.Runtime.Components.Converters;
using Clay.Runtime.Types;
using Clay.Sdk;

namespace Clay.Runtime.Components;

internal sealed partial class TypeMapper
{
    private static bool IsFrameworkType(Type type) =>
        type.Namespace is { } ns && (ns == "System" || ns.StartsWith("System.", StringComparison.Ordinal) || ns.StartsWith("Microsoft.", StringComparison.Ordinal));

    private static bool IsVariant(Type type) =>
        type is { IsClass: true, IsAbstract: true } && !IsFrameworkType(type) && CasesOf(type).Count > 0;

    private static bool IsRecordLike(Type type) =>
        !type.IsAbstract && !type.IsInterface && !type.IsPointer && !type.IsByRef && !IsFrameworkType(type)
        && !typeof(Delegate).IsAssignableFrom(type) && !type.ContainsGenericParameters && PropertiesOf(type, declaredOnly: false).Count > 0;

    private static List<Type> CasesOf(Type variant) =>
        variant.Assembly.GetTypes().Where(t => t.BaseType == variant && t.IsSealed).OrderBy(t => t.MetadataToken).ToList();

    private static List<PropertyInfo> PropertiesOf(Type type, bool declaredOnly)
    {
        var flags = BindingFlags.Public | BindingFlags.Instance | (declaredOnly ? BindingFlags.DeclaredOnly : 0);
        return type.GetProperties(flags)
            .Where(p => p.GetMethod is { IsPublic: true } && p.GetIndexParameters().Length == 0 && p.GetCustomAttribute<ClayIgnoreAttribute>() is null)
            .OrderBy(p => p.DeclaringType == type ? 1 : 0).ThenBy(p => p.MetadataToken)
            .ToList();
    }

    private ValueConverter? EnumOrFlags(Type type)
    {
        var name = NameOf(type);
        var members = type.GetFields(BindingFlags.Public | BindingFlags.Static).OrderBy(f => f.MetadataToken).ToList();
        if (type.GetCustomAttribute<FlagsAttribute>() is not null)
        {
            var flags = members
                .Select(f => (Name: NameOf(f), Bit: Convert.ToUInt64(f.GetRawConstantValue(), System.Globalization.CultureInfo.InvariantCulture)))
                .Where(f => f.Bit != 0 && (f.Bit & (f.Bit - 1)) == 0)
                .ToList();
            return new FlagsConverter(new ClayType.Flags(name, flags.Select(f => f.Name).ToArray()), flags,
                obj => Convert.ToUInt64(obj, System.Globalization.CultureInfo.InvariantCulture), bits => Enum.ToObject(type, bits));
        }
        var cases = members.Select(f => (NameOf(f), f.GetValue(null)!)).ToList();
        return new EnumConverter(new ClayType.Enum(name, cases.Select(c => c.Item1).ToArray()), cases);
    }

    private ValueConverter? Variant(Type type, string member)
    {
        var variantName = NameOf(type);
        var cases = new List<VariantCase>();
        foreach (var caseType in CasesOf(type))
        {
            var caseName = NameOf(caseType);
            var properties = PropertiesOf(caseType, declaredOnly: true);
            var where = $"{member} → {Display(type)}.{caseType.Name}";
            switch (properties.Count)
            {
                case 0:
                    var construct = Constructor(caseType, [], where);
                    if (construct is null) return null;
                    cases.Add(new VariantCase(caseName, caseType, null, null, _ => construct([])));
                    break;
                case 1:
                    var property = properties[0];
                    var payload = Map(property.PropertyType, new NullabilityInfoContext().Create(property), where);
                    var single = Constructor(caseType, properties, where);
                    if (payload is null || single is null) return null;
                    cases.Add(new VariantCase(caseName, caseType, payload, Getter(property), value => single([value])));
                    break;
                default:
                    var record = Record(caseType, $"{variantName}-{caseName}", where);
                    if (record is null) return null;
                    _namedInOrder.Add(record.Type);
                    cases.Add(new VariantCase(caseName, caseType, record, obj => obj, value => value!));
                    break;
            }
        }
        return new VariantConverter(variantName, cases);
    }

    private RecordConverter? Record(Type type, string name, string member)
    {
        var properties = PropertiesOf(type, declaredOnly: false);
        var context = new NullabilityInfoContext();
        var members = new List<RecordMember>();
        foreach (var property in properties)
        {
            var converter = Map(property.PropertyType, context.Create(property), $"{member} → {Display(type)}.{property.Name}");
            if (converter is null) return null;
            members.Add(new RecordMember(NameOf(property), Getter(property), converter));
        }
        var create = Constructor(type, properties, member);
        return create is null ? null : new RecordConverter(name, [.. members], create);
    }

    /// <summary>
    /// A compiled factory taking the values of <paramref name="properties"/> in order: a constructor
    /// whose parameters match them by name, else a parameterless constructor and the setters.
    /// </summary>
    private Func<object?[], object>? Constructor(Type type, List<PropertyInfo> properties, string member)
    {
        var values = Expression.Parameter(typeof(object?[]), "values");
        Expression Arg(int index, Type target) => Expression.Convert(Expression.ArrayIndex(values, Expression.Constant(index)), target);

        foreach (var ctor in type.GetConstructors().OrderByDescending(c => c.GetParameters().Length))
        {
            var parameters = ctor.GetParameters();
            if (parameters.Length != properties.Count) continue;
            var order = parameters.Select(p => properties.FindIndex(q => string.Equals(q.Name, p.Name, StringComparison.OrdinalIgnoreCase))).ToArray();
            if (order.Any(i => i < 0)) continue;
            var body = Expression.New(ctor, parameters.Select((p, i) => Arg(order[i], p.ParameterType)));
            return Expression.Lambda<Func<object?[], object>>(Expression.Convert(body, typeof(object)), values).Compile();
        }
        var parameterless = type.GetConstructor(Type.EmptyTypes);
        if ((parameterless is not null || type.IsValueType) && properties.All(p => p.SetMethod is { IsPublic: true }))
        {
            var body = Expression.MemberInit(parameterless is null ? Expression.New(type) : Expression.New(parameterless),
                properties.Select((p, i) => (MemberBinding)Expression.Bind(p, Arg(i, p.PropertyType))));
            return Expression.Lambda<Func<object?[], object>>(Expression.Convert(body, typeof(object)), values).Compile();
        }
        Problems.Add($"{member}: type {Display(type)} cannot be constructed: give it a constructor whose parameters match its properties, or a parameterless one and settable properties");
        return null;
    }

    private static Func<object, object?> Getter(PropertyInfo property)
    {
        var obj = Expression.Parameter(typeof(object), "obj");
        var body = Expression.Convert(Expression.Property(Expression.Convert(obj, property.DeclaringType!), property), typeof(object));
        return Expression.Lambda<Func<object, object?>>(body, obj).Compile();
    }
}
