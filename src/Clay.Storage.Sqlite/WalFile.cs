using System.Buffers.Binary;

namespace Clay.Storage.Sqlite;

/// <summary>Reads the layout of a SQLite write-ahead log file, for diagnostics and damage tests.</summary>
public static class WalFile
{
    /// <summary>Bytes of the WAL header.</summary>
    internal const int HeaderBytes = 32;

    /// <summary>Bytes of each frame's header, before the page it carries.</summary>
    internal const int FrameHeaderBytes = 24;

    /// <summary>
    /// Where the frames of the log's current generation end: the bytes a crash can tear. The store
    /// lays its log out with zeros beyond them, and a log reused after a checkpoint holds older
    /// frames there; both carry salts other than the header's, which is how SQLite tells them apart.
    /// 0 when the file has no valid header.
    /// </summary>
    public static long FramesEnd(string path)
    {
        using var file = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        var length = RandomAccess.GetLength(file);
        Span<byte> header = stackalloc byte[HeaderBytes];
        if (length < HeaderBytes || RandomAccess.Read(file, header, 0) < HeaderBytes) return 0;
        var magic = BinaryPrimitives.ReadUInt32BigEndian(header);
        if (magic is not (0x377f0682 or 0x377f0683)) return 0;
        var frameBytes = FrameHeaderBytes + (long)BinaryPrimitives.ReadUInt32BigEndian(header[8..]);
        var salts = header[16..24];
        Span<byte> frameHeader = stackalloc byte[FrameHeaderBytes];
        var end = (long)HeaderBytes;
        while (end + frameBytes <= length && RandomAccess.Read(file, frameHeader, end) == FrameHeaderBytes
               && frameHeader[8..16].SequenceEqual(salts))
        {
            end += frameBytes;
        }
        return end;
    }
}
