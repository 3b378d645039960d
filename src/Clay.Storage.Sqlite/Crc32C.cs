using System.Buffers.Binary;
using System.Numerics;

namespace Clay.Storage.Sqlite;

/// <summary>CRC-32C (Castagnoli), hardware-accelerated where the CPU has it.</summary>
internal static class Crc32C
{
    /// <summary>The checksum of an entry: its index followed by its bytes, so a misplaced row fails too.</summary>
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
