using Clay.Runtime.Types;
using Clay.Runtime.Values;
using Clay.Runtime.Wave;

namespace Clay.Server.Dashboard;

/// <summary>
/// A value of a type to start a form field from: empty text, zeros, the first case, an empty list.
/// It is printed by <see cref="WavePrinter"/>, so it is always WAVE the parameter accepts.
/// </summary>
public static class WaveExample
{
    /// <summary>The example value of <paramref name="type"/> as WAVE text.</summary>
    public static string Of(ClayType type) => WavePrinter.Print(ValueOf(type));

    private static Value ValueOf(ClayType type) => type switch
    {
        ClayType.Primitive p => p.Kind switch
        {
            PrimitiveKind.Bool => Value.False,
            PrimitiveKind.S8 => new Value.S8(0),
            PrimitiveKind.S16 => new Value.S16(0),
            PrimitiveKind.S32 => new Value.S32(0),
            PrimitiveKind.S64 => new Value.S64(0),
            PrimitiveKind.U8 => new Value.U8(0),
            PrimitiveKind.U16 => new Value.U16(0),
            PrimitiveKind.U32 => new Value.U32(0),
            PrimitiveKind.U64 => new Value.U64(0),
            PrimitiveKind.F32 => new Value.F32(0),
            PrimitiveKind.F64 => new Value.F64(0),
            PrimitiveKind.Char => new Value.Char(new System.Text.Rune('a')),
            PrimitiveKind.String => new Value.String(""),
            _ => throw new ArgumentOutOfRangeException(nameof(type), p.Kind, "unknown primitive"),
        },
        ClayType.List => new Value.List(System.Collections.Immutable.ImmutableArray<Value>.Empty),
        ClayType.Option => Value.None,
        ClayType.Result r => new Value.Result(true, r.Ok is null ? null : ValueOf(r.Ok)),
        ClayType.Tuple t => new Value.Tuple(t.Elements.Select(ValueOf).ToArray()),
        ClayType.Record r => new Value.Record(r.Fields.Select(f => new RecordField(f.Name, ValueOf(f.Type))).ToArray()),
        ClayType.Variant v => new Value.Variant(v.Cases[0].Name, v.Cases[0].Payload is null ? null : ValueOf(v.Cases[0].Payload!)),
        ClayType.Enum e => new Value.Enum(e.Cases[0]),
        ClayType.Flags => new Value.Flags(Array.Empty<string>()),
        _ => throw new ArgumentOutOfRangeException(nameof(type), type.GetType().Name, "unknown type"),
    };
}
