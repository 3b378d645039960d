using System.Buffers;
using System.Text;
using Clay.Runtime.Types;
using Clay.Runtime.Values;

namespace Clay.Runtime.Oplog.Codec;

/// <summary>
/// The self-describing binary encoding of a <see cref="Value"/>: a tag byte, then the payload.
/// Records carry their field names and variants, enums and flags their case names, so a value can
/// be decoded and shown without the component. See docs/oplog-format.md.
/// </summary>
public static class ValueCodec
{
    /// <summary>The deepest nesting the decoder accepts.</summary>
    public const int MaxDepth = 128;

    /// <summary>Encodes one value.</summary>
    public static byte[] Encode(Value value)
    {
        var buffer = new ArrayBufferWriter<byte>(64);
        Encode(value, buffer);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Encodes one value into <paramref name="output"/>.</summary>
    public static void Encode(Value value, IBufferWriter<byte> output)
    {
        var writer = new EncodingWriter(output);
        Write(ref writer, value);
    }

    /// <summary>Decodes one value that must fill <paramref name="data"/> exactly.</summary>
    /// <exception cref="OplogDecodeException">The bytes are not one valid value.</exception>
    public static Value Decode(ReadOnlySpan<byte> data)
    {
        var reader = new EncodingReader(data);
        var value = Read(ref reader, 0);
        if (!reader.AtEnd) throw reader.Fail($"{reader.Remaining} unexpected bytes after the value");
        return value;
    }

    internal static void Write(ref EncodingWriter w, Value value)
    {
        switch (value)
        {
            case Value.Bool v: w.Byte((byte)ValueTag.Bool); w.Byte(v.V ? (byte)1 : (byte)0); break;
            case Value.S8 v: w.Byte((byte)ValueTag.S8); w.Byte((byte)v.V); break;
            case Value.S16 v: w.Byte((byte)ValueTag.S16); w.VarInt(v.V); break;
            case Value.S32 v: w.Byte((byte)ValueTag.S32); w.VarInt(v.V); break;
            case Value.S64 v: w.Byte((byte)ValueTag.S64); w.VarInt(v.V); break;
            case Value.U8 v: w.Byte((byte)ValueTag.U8); w.Byte(v.V); break;
            case Value.U16 v: w.Byte((byte)ValueTag.U16); w.VarUInt(v.V); break;
            case Value.U32 v: w.Byte((byte)ValueTag.U32); w.VarUInt(v.V); break;
            case Value.U64 v: w.Byte((byte)ValueTag.U64); w.VarUInt(v.V); break;
            case Value.F32 v: w.Byte((byte)ValueTag.F32); w.Single(v.V); break;
            case Value.F64 v: w.Byte((byte)ValueTag.F64); w.Double(v.V); break;
            case Value.Char v: w.Byte((byte)ValueTag.Char); w.VarUInt((uint)v.V.Value); break;
            case Value.String v: w.Byte((byte)ValueTag.String); w.String(v.V); break;
            case Value.List v:
                w.Byte((byte)ValueTag.List);
                WriteAll(ref w, v.Items);
                break;
            case Value.Tuple v:
                w.Byte((byte)ValueTag.Tuple);
                WriteAll(ref w, v.Items);
                break;
            case Value.Option { Inner: null }: w.Byte((byte)ValueTag.None); break;
            case Value.Option v: w.Byte((byte)ValueTag.Some); Write(ref w, v.Inner!); break;
            case Value.Result v:
                w.Byte((byte)(v.IsOk ? ValueTag.Ok : ValueTag.Err));
                WriteOptional(ref w, v.Payload);
                break;
            case Value.Record v:
                w.Byte((byte)ValueTag.Record);
                w.VarUInt((ulong)v.Fields.Count);
                foreach (var field in v.Fields)
                {
                    w.String(field.Name);
                    Write(ref w, field.Value);
                }
                break;
            case Value.Variant v:
                w.Byte((byte)ValueTag.Variant);
                w.String(v.Case);
                WriteOptional(ref w, v.Payload);
                break;
            case Value.Enum v: w.Byte((byte)ValueTag.Enum); w.String(v.Case); break;
            case Value.Flags v:
                w.Byte((byte)ValueTag.Flags);
                w.VarUInt((ulong)v.Names.Count);
                foreach (var name in v.Names) w.String(name);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(value), value.GetType().Name, "unknown value kind");
        }
    }

    private static void WriteAll(ref EncodingWriter w, EquatableArray<Value> items)
    {
        w.VarUInt((ulong)items.Count);
        foreach (var item in items) Write(ref w, item);
    }

    private static void WriteOptional(ref EncodingWriter w, Value? value)
    {
        w.Byte(value is null ? (byte)0 : (byte)1);
        if (value is not null) Write(ref w, value);
    }

    internal static Value Read(ref EncodingReader r, int depth)
    {
        if (depth > MaxDepth) throw r.Fail($"values nested deeper than {MaxDepth}");
        var at = r.Position;
        var tag = (ValueTag)r.Byte();
        switch (tag)
        {
            case ValueTag.Bool: return r.Bool() ? Value.True : Value.False;
            case ValueTag.S8: return new Value.S8((sbyte)r.Byte());
            case ValueTag.S16: return new Value.S16(checked((short)Ranged(ref r, short.MinValue, short.MaxValue)));
            case ValueTag.S32: return new Value.S32(r.Int32());
            case ValueTag.S64: return new Value.S64(r.VarInt());
            case ValueTag.U8: return new Value.U8(r.Byte());
            case ValueTag.U16: return new Value.U16((ushort)RangedUnsigned(ref r, ushort.MaxValue));
            case ValueTag.U32: return new Value.U32((uint)RangedUnsigned(ref r, uint.MaxValue));
            case ValueTag.U64: return new Value.U64(r.VarUInt());
            case ValueTag.F32: return new Value.F32(r.Single());
            case ValueTag.F64: return new Value.F64(r.Double());
            case ValueTag.Char:
                var scalar = RangedUnsigned(ref r, 0x10FFFF);
                if (!Rune.IsValid((uint)scalar)) throw new OplogDecodeException(at, $"{scalar:X} is not a Unicode scalar value");
                return new Value.Char(new Rune((uint)scalar));
            case ValueTag.String: return new Value.String(r.String());
            case ValueTag.List: return new Value.List(ReadAll(ref r, depth));
            case ValueTag.Tuple: return new Value.Tuple(ReadAll(ref r, depth));
            case ValueTag.None: return Value.None;
            case ValueTag.Some: return new Value.Option(Read(ref r, depth + 1));
            case ValueTag.Ok: return new Value.Result(true, ReadOptional(ref r, depth));
            case ValueTag.Err: return new Value.Result(false, ReadOptional(ref r, depth));
            case ValueTag.Record:
                var count = r.Count(minBytesEach: 2);
                var fields = new RecordField[count];
                for (var i = 0; i < count; i++) fields[i] = new RecordField(r.Name(), Read(ref r, depth + 1));
                return new Value.Record(fields);
            case ValueTag.Variant: return new Value.Variant(r.Name(), ReadOptional(ref r, depth));
            case ValueTag.Enum: return new Value.Enum(r.Name());
            case ValueTag.Flags:
                var names = new string[r.Count()];
                for (var i = 0; i < names.Length; i++) names[i] = r.Name();
                return new Value.Flags(names);
            default:
                throw new OplogDecodeException(at, $"unknown value tag {(byte)tag}");
        }
    }

    private static Value[] ReadAll(ref EncodingReader r, int depth)
    {
        var items = new Value[r.Count()];
        for (var i = 0; i < items.Length; i++) items[i] = Read(ref r, depth + 1);
        return items;
    }

    private static Value? ReadOptional(ref EncodingReader r, int depth) => r.Bool() ? Read(ref r, depth + 1) : null;

    private static long Ranged(ref EncodingReader r, long min, long max)
    {
        var at = r.Position;
        var value = r.VarInt();
        return value >= min && value <= max ? value : throw new OplogDecodeException(at, $"value {value} out of range");
    }

    private static ulong RangedUnsigned(ref EncodingReader r, ulong max)
    {
        var at = r.Position;
        var value = r.VarUInt();
        return value <= max ? value : throw new OplogDecodeException(at, $"value {value} out of range");
    }

    /// <summary>The tag byte of each value kind. Stored on disk: never renumber.</summary>
    internal enum ValueTag : byte
    {
        Bool = 1, S8 = 2, S16 = 3, S32 = 4, S64 = 5, U8 = 6, U16 = 7, U32 = 8, U64 = 9, F32 = 10, F64 = 11, Char = 12, String = 13,
        List = 14, Tuple = 15, None = 16, Some = 17, Ok = 18, Err = 19, Record = 20, Variant = 21, Enum = 22, Flags = 23,
    }
}
