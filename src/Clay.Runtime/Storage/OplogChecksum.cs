using System.Buffers.Binary;
using System.Numerics;

namespace Clay.Runtime.Storage;

/// <summary>
/// The checksum every durable store keeps with an oplog entry: CRC-32C (Castagnoli) of the entry's
/// index followed by its bytes, hardware-accelerated where the CPU has it.
/// </summary>
public static class OplogChecksum
{
    /// <summary>The checksum of an entry: its index followed by its bytes, so a misplaced row fails too.</summary>
    /// <param name="index">The entry's index in its oplog.</param>
    /// <param name="payload">The encoded entry.</param>
    public static uint OfEntry(long index, ReadOnlySpan<byte> payload)
    {
        var crc = BitOperations.Crc32C(0xFFFF_FFFFu, (ulong)index);
        return ~Append(crc, payload);
    }

    private static uint Append(uint crc, ReadOnlySpan<byte> data)
    {
        while (data.Length >= 8)
        {
            crc = BitOperations.Crc32C(crc, BinaryPrimitives.ReadUInt64LittleEndian(data));
            data = data[8..];
        }
        foreach (var b in data) crc = BitOperations.Crc32C(crc, b);
        return crc;
    }
}
