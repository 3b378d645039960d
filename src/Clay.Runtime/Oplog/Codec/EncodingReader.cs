using System.Buffers.Binary;
using System.Text;

namespace Clay.Runtime.Oplog.Codec;

/// <summary>
/// Reads Clay's primitive encodings from untrusted bytes. Every length is checked against the bytes
/// that remain before anything is allocated, so garbage input fails fast with a positioned error.
/// </summary>
internal ref struct EncodingReader(ReadOnlySpan<byte> data)
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
    private readonly ReadOnlySpan<byte> _data = data;

    public int Position { get; private set; }

    public readonly int Remaining => _data.Length - Position;

    public readonly bool AtEnd => Position == _data.Length;

    public byte Byte()
    {
        if (Position >= _data.Length) throw Fail("unexpected end of data");
        return _data[Position++];
    }

    public bool Bool()
    {
        var start = Position;
        return Byte() switch
        {
            0 => false,
            1 => true,
            var b => throw new OplogDecodeException(start, $"invalid boolean byte {b}"),
        };
    }

    public ulong VarUInt()
    {
        var start = Position;
        ulong result = 0;
        for (var shift = 0; shift < 70; shift += 7)
        {
            var b = Byte();
            if (shift == 63 && b > 1) throw new OplogDecodeException(start, "varint overflows 64 bits");
            result |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80) return result;
        }
        throw new OplogDecodeException(start, "varint longer than 10 bytes");
    }

    public long VarInt()
    {
        var raw = VarUInt();
        return (long)(raw >> 1) ^ -(long)(raw & 1);
    }

    public int Int32()
    {
        var start = Position;
        var value = VarInt();
        return value is >= int.MinValue and <= int.MaxValue ? (int)value : throw new OplogDecodeException(start, $"value {value} does not fit 32 bits");
    }

    /// <summary>A count of items that each take at least <paramref name="minBytesEach"/> bytes.</summary>
    public int Count(int minBytesEach = 1)
    {
        var start = Position;
        var count = VarUInt();
        if (count > (ulong)Remaining / (ulong)Math.Max(1, minBytesEach))
        {
            throw new OplogDecodeException(start, $"count {count} exceeds the {Remaining} bytes that remain");
        }
        return (int)count;
    }

    public float Single()
    {
        var span = Take(4);
        return BinaryPrimitives.ReadSingleLittleEndian(span);
    }

    public double Double()
    {
        var span = Take(8);
        return BinaryPrimitives.ReadDoubleLittleEndian(span);
    }

    public string String()
    {
        var length = Count();
        var start = Position;
        return Decode(Take(length), start);
    }

    /// <summary>
    /// A name of a type (a record's field, a variant's or an enum's case, a flag): a string like
    /// <see cref="String"/>, but the same few names come back in every value of the type, so a short
    /// one is taken from the names read before instead of being allocated again.
    /// </summary>
    public string Name()
    {
        var length = Count();
        var start = Position;
        var bytes = Take(length);
        if (length > MaxPooledNameBytes) return Decode(bytes, start);
        Span<char> chars = stackalloc char[MaxPooledNameBytes];
        int written;
        try
        {
            written = StrictUtf8.GetChars(bytes, chars);
        }
        catch (DecoderFallbackException)
        {
            throw NotUtf8(start);
        }
        var text = chars[..written];
        if (Names.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(text, out var known)) return known;
        var name = text.ToString();
        // Bounded: names come from types, but bytes from elsewhere could hold any number of them.
        if (Names.Count < MaxPooledNames) Names.TryAdd(name, name);
        return name;
    }

    private const int MaxPooledNameBytes = 64;
    private const int MaxPooledNames = 8192;
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> Names = new(StringComparer.Ordinal);

    private static string Decode(ReadOnlySpan<byte> bytes, int start)
    {
        try
        {
            return StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            throw NotUtf8(start);
        }
    }

    private static OplogDecodeException NotUtf8(int start) => new(start, "string is not valid UTF-8");

    public string? OptionalString() => Bool() ? String() : null;

    public byte[] Bytes() => Take(Count()).ToArray();

    public ReadOnlySpan<byte> Take(int length)
    {
        if (length > Remaining) throw Fail($"needs {length} bytes but only {Remaining} remain");
        var span = _data.Slice(Position, length);
        Position += length;
        return span;
    }

    public readonly OplogDecodeException Fail(string problem) => new(Position, problem);
}
