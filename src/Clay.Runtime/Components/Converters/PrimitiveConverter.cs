using System.Text;
using Clay.Runtime.Types;
using Clay.Runtime.Values;

namespace Clay.Runtime.Components.Converters;

/// <summary>bool, integers, floats, char, Rune and string.</summary>
internal sealed class PrimitiveConverter : ValueConverter
{
    private readonly Func<object?, Value> _to;
    private readonly Func<Value, object?> _from;

    private PrimitiveConverter(ClayType type, Func<object?, Value> to, Func<Value, object?> from) : base(type)
    {
        _to = to;
        _from = from;
    }

    public override Value ToValue(object? obj) => _to(obj);

    public override object? FromValue(Value value) => _from(value) ?? throw Mismatch(value);

    /// <summary>The converter for <paramref name="type"/>, or null when it is not a primitive.</summary>
    public static PrimitiveConverter? For(Type type)
    {
        if (type == typeof(bool)) return new(ClayType.Bool, o => (bool)o! ? Value.True : Value.False, v => v is Value.Bool b ? b.V : null);
        if (type == typeof(sbyte)) return new(ClayType.S8, o => new Value.S8((sbyte)o!), v => v is Value.S8 x ? x.V : null);
        if (type == typeof(short)) return new(ClayType.S16, o => new Value.S16((short)o!), v => v is Value.S16 x ? x.V : null);
        if (type == typeof(int)) return new(ClayType.S32, o => new Value.S32((int)o!), v => v is Value.S32 x ? x.V : null);
        if (type == typeof(long)) return new(ClayType.S64, o => new Value.S64((long)o!), v => v is Value.S64 x ? x.V : null);
        if (type == typeof(byte)) return new(ClayType.U8, o => new Value.U8((byte)o!), v => v is Value.U8 x ? x.V : null);
        if (type == typeof(ushort)) return new(ClayType.U16, o => new Value.U16((ushort)o!), v => v is Value.U16 x ? x.V : null);
        if (type == typeof(uint)) return new(ClayType.U32, o => new Value.U32((uint)o!), v => v is Value.U32 x ? x.V : null);
        if (type == typeof(ulong)) return new(ClayType.U64, o => new Value.U64((ulong)o!), v => v is Value.U64 x ? x.V : null);
        if (type == typeof(float)) return new(ClayType.F32, o => new Value.F32((float)o!), v => v is Value.F32 x ? x.V : null);
        if (type == typeof(double)) return new(ClayType.F64, o => new Value.F64((double)o!), v => v is Value.F64 x ? x.V : null);
        if (type == typeof(string)) return new(ClayType.String, o => new Value.String((string)o!), v => v is Value.String x ? x.V : null);
        if (type == typeof(Rune)) return new(ClayType.Char, o => new Value.Char((Rune)o!), v => v is Value.Char x ? x.V : null);
        if (type == typeof(char))
        {
            return new(ClayType.Char,
                o => Rune.TryCreate((char)o!, out var rune) ? new Value.Char(rune) : throw new InvalidOperationException("a lone surrogate is not a char"),
                v => v is Value.Char { V.IsBmp: true } x ? (char)x.V.Value : null);
        }
        return null;
    }
}
