using System.Text;
using Clay.Runtime.Types;
using Clay.Runtime.Values;

namespace Clay.Runtime.Tests.Components;

/// <summary>A fixed, small value of any interface type, to call functions with.</summary>
internal static class SampleValues
{
    public static Value Of(ClayType type, int seed = 2) => type switch
    {
        ClayType.Primitive p => p.Kind switch
        {
            PrimitiveKind.Bool => seed % 2 == 0 ? Value.True : Value.False,
            PrimitiveKind.S8 => new Value.S8((sbyte)-seed),
            PrimitiveKind.S16 => new Value.S16((short)(seed * 10)),
            PrimitiveKind.S32 => new Value.S32(seed),
            PrimitiveKind.S64 => new Value.S64(-seed * 1000L),
            PrimitiveKind.U8 => new Value.U8((byte)seed),
            PrimitiveKind.U16 => new Value.U16((ushort)seed),
            PrimitiveKind.U32 => new Value.U32((uint)seed),
            PrimitiveKind.U64 => new Value.U64((ulong)seed),
            PrimitiveKind.F32 => new Value.F32(seed + 0.5f),
            PrimitiveKind.F64 => new Value.F64(seed + 0.25),
            PrimitiveKind.Char => new Value.Char(new Rune('a' + seed)),
            PrimitiveKind.String => new Value.String($"s{seed}"),
            _ => throw new ArgumentOutOfRangeException(nameof(type), p.Kind, "unknown primitive"),
        },
        ClayType.List l => new Value.List(new[] { Of(l.Element, seed), Of(l.Element, seed + 1) }),
        ClayType.Option o => seed % 3 == 0 ? Value.None : new Value.Option(Of(o.Inner, seed)),
        ClayType.Result r => new Value.Result(true, r.Ok is null ? null : Of(r.Ok, seed)),
        ClayType.Tuple t => new Value.Tuple(t.Elements.Select((e, i) => Of(e, seed + i)).ToArray()),
        ClayType.Record r => new Value.Record(r.Fields.Select((f, i) => new RecordField(f.Name, Of(f.Type, seed + i))).ToArray()),
        ClayType.Variant v => Case(v, seed),
        ClayType.Enum e => new Value.Enum(e.Cases[seed % e.Cases.Count]),
        ClayType.Flags f => new Value.Flags(f.Names.Where((_, i) => i % 2 == seed % 2).ToArray()),
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "unknown type"),
    };

    private static Value Case(ClayType.Variant variant, int seed)
    {
        var @case = variant.Cases[seed % variant.Cases.Count];
        return new Value.Variant(@case.Name, @case.Payload is null ? null : Of(@case.Payload, seed));
    }
}
