using System.Buffers;
using Clay.Runtime.Oplog.Codec;
using Clay.Runtime.Values;
using Orleans.Serialization.Buffers;
using Orleans.Serialization.Codecs;
using Orleans.Serialization.Serializers;
using Orleans.Serialization.WireProtocol;

namespace Clay.Cluster.Serialization;

/// <summary>
/// Carries a <see cref="Value"/> between silos in Clay's own self-describing encoding
/// (<see cref="ValueCodec"/>), length-prefixed. Within one silo values are not encoded at all:
/// they are immutable and <see cref="ImmutableClayTypesCopier"/> passes them by reference.
/// </summary>
public sealed class ValueFieldCodec : IGeneralizedCodec
{
    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_buffer;

    /// <inheritdoc/>
    public bool IsSupportedType(Type type) => typeof(Value).IsAssignableFrom(type);

    /// <inheritdoc/>
    public void WriteField<TBufferWriter>(ref Writer<TBufferWriter> writer, uint fieldIdDelta, Type? expectedType, object? value)
        where TBufferWriter : IBufferWriter<byte>
    {
        if (ReferenceCodec.TryWriteReferenceField(ref writer, fieldIdDelta, expectedType, value)) return;
        writer.WriteFieldHeader(fieldIdDelta, expectedType, typeof(Value), WireType.LengthPrefixed);
        var buffer = t_buffer ?? new ArrayBufferWriter<byte>(256);
        t_buffer = null;
        buffer.ResetWrittenCount();
        ValueCodec.Encode((Value)value!, buffer);
        writer.WriteVarUInt32((uint)buffer.WrittenCount);
        writer.Write(buffer.WrittenSpan);
        if (buffer.Capacity <= 64 * 1024) t_buffer = buffer;
    }

    /// <inheritdoc/>
    public object ReadValue<TInput>(ref Reader<TInput> reader, Field field)
    {
        if (field.WireType == WireType.Reference) return ReferenceCodec.ReadReference<Value, TInput>(ref reader, field)!;
        field.EnsureWireType(WireType.LengthPrefixed);
        var length = reader.ReadVarUInt32();
        var bytes = ArrayPool<byte>.Shared.Rent((int)length);
        try
        {
            reader.ReadBytes(bytes.AsSpan(0, (int)length));
            var value = ValueCodec.Decode(bytes.AsSpan(0, (int)length));
            ReferenceCodec.RecordObject(reader.Session, value);
            return value;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(bytes);
        }
    }
}
