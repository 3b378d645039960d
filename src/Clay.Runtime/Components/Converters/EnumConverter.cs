using Clay.Runtime.Types;
using Clay.Runtime.Values;

namespace Clay.Runtime.Components.Converters;

/// <summary><c>enum { … }</c> for .NET enums.</summary>
internal sealed class EnumConverter(ClayType.Enum type, IReadOnlyList<(string Name, object Value)> cases) : ValueConverter(type)
{
    private readonly Dictionary<object, string> _names = cases.ToDictionary(c => c.Value, c => c.Name);
    private readonly Dictionary<string, object> _values = cases.ToDictionary(c => c.Name, c => c.Value, StringComparer.Ordinal);

    public override Value ToValue(object? obj) =>
        new Value.Enum(_names.TryGetValue(obj!, out var name) ? name : throw new InvalidOperationException($"{obj} is not a case of {type.Name}"));

    public override object? FromValue(Value value) =>
        value is Value.Enum e && _values.TryGetValue(e.Case, out var v) ? v : throw Mismatch(value);
}

/// <summary>
/// <c>flags { … }</c> for <c>[Flags]</c> enums: each single-bit member is a flag. The enum's bits are
/// read and written through <paramref name="toBits"/> and <paramref name="fromBits"/>.
/// </summary>
internal sealed class FlagsConverter(ClayType.Flags type, IReadOnlyList<(string Name, ulong Bit)> flags, Func<object, ulong> toBits, Func<ulong, object> fromBits)
    : ValueConverter(type)
{
    private readonly Dictionary<string, ulong> _bits = flags.ToDictionary(f => f.Name, f => f.Bit, StringComparer.Ordinal);

    public override Value ToValue(object? obj)
    {
        var bits = toBits(obj!);
        return new Value.Flags(flags.Where(f => (bits & f.Bit) != 0).Select(f => f.Name).ToArray());
    }

    public override object? FromValue(Value value)
    {
        if (value is not Value.Flags set) throw Mismatch(value);
        ulong bits = 0;
        foreach (var name in set.Names) bits |= _bits.TryGetValue(name, out var bit) ? bit : throw Mismatch(value);
        return fromBits(bits);
    }
}
