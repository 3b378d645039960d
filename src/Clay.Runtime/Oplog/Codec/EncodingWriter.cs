using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace Clay.Runtime.Oplog.Codec;

/// <summary>Appends Clay's primitive encodings to a buffer: LEB128 varints, zigzag, length-prefixed UTF-8.</summary>
internal ref struct EncodingWriter(IBufferWriter<byte> output)
{
    private readonly IBufferWriter<byte> _output = output;

    public readonly void Byte(byte value)
    {
        _output.GetSpan(1)[0] = value;
        _output.Advance(1);
    }

    public readonly void VarUInt(ulong value)
    {
        var span = _output.GetSpan(10);
        var i = 0;
        while (value >= 0x80)
        {
            span[i++] = (byte)(value | 0x80);
            value >>= 7;
        }
        span[i++] = (byte)value;
        _output.Advance(i);
    }

    public readonly void VarInt(long value) => VarUInt((ulong)((value << 1) ^ (value >> 63)));

    public readonly void Single(float value)
    {
        BinaryPrimitives.WriteSingleLittleEndian(_output.GetSpan(4), value);
        _output.Advance(4);
    }

    public readonly void Double(double value)
    {
        BinaryPrimitives.WriteDoubleLittleEndian(_output.GetSpan(8), value);
        _output.Advance(8);
    }

    public readonly void String(string value)
    {
        var length = Encoding.UTF8.GetByteCount(value);
        VarUInt((ulong)length);
        var span = _output.GetSpan(length);
        Encoding.UTF8.GetBytes(value, span);
        _output.Advance(length);
    }

    public readonly void Bytes(ReadOnlySpan<byte> value)
    {
        VarUInt((ulong)value.Length);
        value.CopyTo(_output.GetSpan(value.Length));
        _output.Advance(value.Length);
    }

    /// <summary>Writes bytes that are already an encoding, without a length.</summary>
    public readonly void Raw(ReadOnlySpan<byte> value)
    {
        value.CopyTo(_output.GetSpan(value.Length));
        _output.Advance(value.Length);
    }

    public readonly void OptionalString(string? value)
    {
        Byte(value is null ? (byte)0 : (byte)1);
        if (value is not null) String(value);
    }
}
