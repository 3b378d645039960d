using System.Buffers.Binary;

namespace Clay.Server.Components;

/// <summary>
/// Counts the entries of a zip's central directory by walking its records, stopping one past a
/// limit. <see cref="System.IO.Compression.ZipArchive"/> builds an object for every entry before it
/// checks anything, so a package of tiny entries could cost hundreds of megabytes to open; this walk
/// costs a buffer. The count in the end record is not trusted: the records are.
/// </summary>
internal static class ZipEntryCounter
{
    // End of central directory (EOCD), 22 bytes + comment:
    //   0 u32 signature 0x06054b50 | 4 u16 disk | 6 u16 directory disk | 8 u16 entries here | 10 u16 entries
    //  12 u32 directory size       | 16 u32 directory offset           | 20 u16 comment length
    // ZIP64 locator, 20 bytes just before the EOCD:
    //   0 u32 signature 0x07064b50 | 4 u32 disk | 8 u64 ZIP64 EOCD offset | 16 u32 disks
    // ZIP64 EOCD: 0 u32 signature 0x06064b50 | … | 48 u64 directory offset
    // Central directory record, 46 bytes + name + extra + comment:
    //   0 u32 signature 0x02014b50 | … | 28 u16 name length | 30 u16 extra length | 32 u16 comment length
    private const uint EndSignature = 0x06054b50;
    private const uint Zip64LocatorSignature = 0x07064b50;
    private const uint Zip64EndSignature = 0x06064b50;
    private const uint RecordSignature = 0x02014b50;

    /// <summary>
    /// The number of entries, or <paramref name="limit"/> + 1 as soon as there are more.
    /// Null when the file is not a zip archive (no end record, or a directory outside the file).
    /// </summary>
    /// <remarks><paramref name="zip"/> must be seekable.</remarks>
    public static long? Count(Stream zip, long limit)
    {
        if (FindDirectoryOffset(zip) is not { } offset) return null;
        zip.Position = offset;
        // Not disposed: that would close the caller's stream.
        var reader = new BufferedStream(zip, 1 << 16);
        Span<byte> header = stackalloc byte[46];
        long count = 0;
        while (count <= limit)
        {
            if (!TryRead(reader, header[..4]) || BinaryPrimitives.ReadUInt32LittleEndian(header) != RecordSignature) return count;
            if (!TryRead(reader, header[4..])) return null;
            var skip = (long)BinaryPrimitives.ReadUInt16LittleEndian(header[28..]) + BinaryPrimitives.ReadUInt16LittleEndian(header[30..])
                       + BinaryPrimitives.ReadUInt16LittleEndian(header[32..]);
            if (!Skip(reader, skip)) return null;
            count++;
        }
        return count;
    }

    private static long? FindDirectoryOffset(Stream zip)
    {
        if (zip.Length < 22) return null;
        var tailLength = (int)Math.Min(zip.Length, 22 + ushort.MaxValue);
        var tail = new byte[tailLength];
        zip.Position = zip.Length - tailLength;
        zip.ReadExactly(tail);
        for (var at = tailLength - 22; at >= 0; at--)
        {
            if (BinaryPrimitives.ReadUInt32LittleEndian(tail.AsSpan(at)) != EndSignature) continue;
            long offset = BinaryPrimitives.ReadUInt32LittleEndian(tail.AsSpan(at + 16));
            if (offset == uint.MaxValue && at >= 20 && BinaryPrimitives.ReadUInt32LittleEndian(tail.AsSpan(at - 20)) == Zip64LocatorSignature)
            {
                offset = Zip64DirectoryOffset(zip, (long)BinaryPrimitives.ReadUInt64LittleEndian(tail.AsSpan(at - 12))) ?? -1;
            }
            return offset >= 0 && offset < zip.Length ? offset : null;
        }
        return null;
    }

    private static long? Zip64DirectoryOffset(Stream zip, long endRecord)
    {
        if (endRecord < 0 || endRecord > zip.Length - 56) return null;
        Span<byte> record = stackalloc byte[56];
        zip.Position = endRecord;
        zip.ReadExactly(record);
        if (BinaryPrimitives.ReadUInt32LittleEndian(record) != Zip64EndSignature) return null;
        var offset = BinaryPrimitives.ReadUInt64LittleEndian(record[48..]);
        return offset <= long.MaxValue ? (long)offset : null;
    }

    private static bool TryRead(Stream stream, Span<byte> buffer) => stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false) == buffer.Length;

    private static bool Skip(Stream stream, long count)
    {
        if (stream.Position + count > stream.Length) return false;
        stream.Seek(count, SeekOrigin.Current);
        return true;
    }
}
