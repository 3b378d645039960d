using Clay.Runtime.Types;
using Clay.Runtime.Values;

namespace Clay.Runtime.Components.Converters;

/// <summary>A variant for an abstract record whose sealed subclasses are the cases.</summary>
internal sealed class VariantConverter : ValueConverter
{
    private readonly Dictionary<Type, VariantCase> _byType;
    private readonly Dictionary<string, VariantCase> _byName;

    public VariantConverter(string name, IReadOnlyList<VariantCase> cases)
        : base(new ClayType.Variant(name, cases.Select(c => new Case(c.Name, c.Payload?.Type)).ToArray()))
    {
        _byType = cases.ToDictionary(c => c.Type);
        _byName = cases.ToDictionary(c => c.Name, StringComparer.Ordinal);
    }

    public override Value ToValue(object? obj)
    {
        var @case = _byType[obj!.GetType()];
        return new Value.Variant(@case.Name, @case.Payload?.ToValue(@case.GetPayload!(obj)));
    }

    public override object? FromValue(Value value)
    {
        if (value is not Value.Variant variant || !_byName.TryGetValue(variant.Case, out var @case)) throw Mismatch(value);
        if ((@case.Payload is null) != (variant.Payload is null)) throw Mismatch(value);
        return @case.Create(@case.Payload?.FromValue(variant.Payload!));
    }
}

/// <summary>
/// One case: its subclass, the payload's converter (null for none), how to read the payload from an
/// instance, and how to build an instance from a payload.
/// </summary>
internal sealed record VariantCase(string Name, Type Type, ValueConverter? Payload, Func<object, object?>? GetPayload, Func<object?, object> Create);
