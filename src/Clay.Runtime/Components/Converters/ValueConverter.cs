using Clay.Runtime.Types;
using Clay.Runtime.Values;

namespace Clay.Runtime.Components.Converters;

/// <summary>
/// Converts between one .NET type and Clay values. Built once per type when a component loads;
/// conversions use compiled delegates, never reflection.
/// </summary>
internal abstract class ValueConverter(ClayType type)
{
    /// <summary>The interface type.</summary>
    public ClayType Type { get; } = type;

    /// <summary>The .NET object as a value.</summary>
    public abstract Value ToValue(object? obj);

    /// <summary>The value as a .NET object of the converter's type.</summary>
    /// <exception cref="ValueMismatchException">The value does not fit.</exception>
    public abstract object? FromValue(Value value);

    protected ValueMismatchException Mismatch(Value value) =>
        new($"expected {WitPrinter.PrintType(Type)}, got {Describe(value)}");

    private static string Describe(Value value) => value switch
    {
        Value.Record => "a record",
        Value.List => "a list",
        Value.Tuple => "a tuple",
        Value.Option => "an option",
        Value.Result => "a result",
        Value.Variant v => $"variant case {v.Case}",
        Value.Enum e => $"enum case {e.Case}",
        Value.Flags => "flags",
        _ => $"a {value.GetType().Name.ToLowerInvariant()}",
    };
}
