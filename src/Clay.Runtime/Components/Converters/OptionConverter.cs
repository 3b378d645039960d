using Clay.Runtime.Types;
using Clay.Runtime.Values;

namespace Clay.Runtime.Components.Converters;

/// <summary><c>option&lt;T&gt;</c> for <c>Nullable&lt;T&gt;</c> and nullable references: null is <c>none</c>.</summary>
internal sealed class OptionConverter(ValueConverter inner) : ValueConverter(new ClayType.Option(inner.Type))
{
    public override Value ToValue(object? obj) => obj is null ? Value.None : new Value.Option(inner.ToValue(obj));

    public override object? FromValue(Value value) => value switch
    {
        Value.Option { Inner: null } => null,
        Value.Option some => inner.FromValue(some.Inner),
        _ => throw Mismatch(value),
    };
}
