using System.Text;
using Clay.Runtime.Types;
using Clay.Runtime.Values;

namespace Clay.Runtime.Tests.Wave;

/// <summary>Random types of the interface model and random values of them, from a seed.</summary>
public sealed class RandomValues(int seed)
{
    private static readonly string[] Labels = ["a", "item", "product-id", "x1", "none", "true", "ok", "some", "inf", "nan", "err", "false", "long-label-name"];
    private static readonly PrimitiveKind[] Primitives = Enum.GetValues<PrimitiveKind>();
    private readonly Random _rng = new(seed);

    public ClayType Type(int depth = 3)
    {
        var choice = depth <= 0 ? 0 : _rng.Next(10);
        return choice switch
        {
            0 or 1 => new ClayType.Primitive(Primitives[_rng.Next(Primitives.Length)]),
            2 => new ClayType.List(Type(depth - 1)),
            3 => new ClayType.Option(Type(depth - 1)),
            4 => new ClayType.Result(_rng.Next(4) == 0 ? null : Type(depth - 1), _rng.Next(4) == 0 ? null : Type(depth - 1)),
            5 => new ClayType.Tuple(Enumerable.Range(0, 1 + _rng.Next(3)).Select(_ => Type(depth - 1)).ToArray()),
            6 => new ClayType.Record("rec", DistinctLabels(1 + _rng.Next(4)).Select(l => new Field(l, Type(depth - 1))).ToArray()),
            7 => new ClayType.Variant("var", DistinctLabels(1 + _rng.Next(4)).Select(l => new Case(l, _rng.Next(3) == 0 ? null : Type(depth - 1))).ToArray()),
            8 => new ClayType.Enum("en", DistinctLabels(1 + _rng.Next(4))),
            _ => new ClayType.Flags("fl", DistinctLabels(1 + _rng.Next(5))),
        };
    }

    public Value Value(ClayType type) => type switch
    {
        ClayType.Primitive p => Primitive(p.Kind),
        ClayType.List l => new Value.List(Enumerable.Range(0, _rng.Next(4)).Select(_ => Value(l.Element)).ToArray()),
        ClayType.Option o => _rng.Next(3) == 0 ? Values.Value.None : new Value.Option(Value(o.Inner)),
        ClayType.Result r => _rng.Next(2) == 0
            ? new Value.Result(true, r.Ok is null ? null : Value(r.Ok))
            : new Value.Result(false, r.Err is null ? null : Value(r.Err)),
        ClayType.Tuple t => new Value.Tuple(t.Elements.Select(Value).ToArray()),
        ClayType.Record r => new Value.Record(r.Fields.Select(f => new RecordField(f.Name, Value(f.Type))).ToArray()),
        ClayType.Variant v => Case(v.Cases[_rng.Next(v.Cases.Length)]),
        ClayType.Enum e => new Value.Enum(e.Cases[_rng.Next(e.Cases.Length)]),
        ClayType.Flags f => new Value.Flags(f.Names.Where(_ => _rng.Next(2) == 0).ToArray()),
        _ => throw new InvalidOperationException(),
    };

    private Value Case(Case c) => new Value.Variant(c.Name, c.Payload is null ? null : Value(c.Payload));

    private string[] DistinctLabels(int count) => Labels.OrderBy(_ => _rng.Next()).Take(count).ToArray();

    private Value Primitive(PrimitiveKind kind) => kind switch
    {
        PrimitiveKind.Bool => new Value.Bool(_rng.Next(2) == 0),
        PrimitiveKind.S8 => new Value.S8((sbyte)Edge(sbyte.MinValue, sbyte.MaxValue)),
        PrimitiveKind.S16 => new Value.S16((short)Edge(short.MinValue, short.MaxValue)),
        PrimitiveKind.S32 => new Value.S32((int)Edge(int.MinValue, int.MaxValue)),
        PrimitiveKind.S64 => new Value.S64(_rng.Next(4) switch { 0 => long.MinValue, 1 => long.MaxValue, _ => _rng.NextInt64(long.MinValue, long.MaxValue) }),
        PrimitiveKind.U8 => new Value.U8((byte)Edge(0, byte.MaxValue)),
        PrimitiveKind.U16 => new Value.U16((ushort)Edge(0, ushort.MaxValue)),
        PrimitiveKind.U32 => new Value.U32((uint)Edge(0, uint.MaxValue)),
        PrimitiveKind.U64 => new Value.U64(_rng.Next(3) == 0 ? ulong.MaxValue : (ulong)_rng.NextInt64(0, long.MaxValue) * 2),
        PrimitiveKind.F32 => new Value.F32(_rng.Next(6) switch
        {
            0 => float.NaN, 1 => float.PositiveInfinity, 2 => float.NegativeInfinity, 3 => float.Epsilon,
            _ => (float)((_rng.NextDouble() - 0.5) * Math.Pow(10, _rng.Next(-20, 20))),
        }),
        PrimitiveKind.F64 => new Value.F64(_rng.Next(6) switch
        {
            0 => double.NaN, 1 => double.MaxValue, 2 => double.NegativeInfinity, 3 => -0.0,
            _ => (_rng.NextDouble() - 0.5) * Math.Pow(10, _rng.Next(-300, 300)),
        }),
        PrimitiveKind.Char => new Value.Char(RandomRune()),
        _ => new Value.String(RandomString()),
    };

    private long Edge(long min, long max) => _rng.Next(4) switch { 0 => min, 1 => max, _ => _rng.NextInt64(min, max + 1) };

    private Rune RandomRune() => _rng.Next(6) switch
    {
        0 => new Rune("\"'\\\n\r\t"[_rng.Next(6)]),
        1 => new Rune(_rng.Next(0, 0x20)),
        2 => new Rune(0x1F600 + _rng.Next(50)),
        3 => new Rune(0x4E00 + _rng.Next(100)),
        _ => new Rune(_rng.Next(0x20, 0x7F)),
    };

    private string RandomString()
    {
        var builder = new StringBuilder();
        var length = _rng.Next(8);
        for (var i = 0; i < length; i++) builder.Append(RandomRune().ToString());
        return builder.ToString();
    }
}
