using System.Buffers.Binary;
using System.Text;

namespace Clay.Reliability.PowerCut;

/// <summary>Reads and appends to the undo journal the power-cut layer keeps.</summary>
internal static class PowerCutJournal
{
    /// <summary>Bytes of a record header: four u32 and five 64-bit fields.</summary>
    public const int HeaderBytes = 16 + 5 * 8;

    /// <summary>
    /// Every complete record, in order. A record cut short at the end (the process was killed while
    /// writing it) is dropped: the change it announces was not made yet.
    /// </summary>
    public static List<JournalRecord> Read(string path)
    {
        var records = new List<JournalRecord>();
        if (!System.IO.File.Exists(path)) return records;
        var bytes = System.IO.File.ReadAllBytes(path);
        var position = 0;
        while (position + HeaderBytes <= bytes.Length)
        {
            var header = bytes.AsSpan(position, HeaderBytes);
            var type = (RecordType)BinaryPrimitives.ReadUInt32LittleEndian(header);
            var pathLength = (int)BinaryPrimitives.ReadUInt32LittleEndian(header[8..]);
            var dataLength = (int)BinaryPrimitives.ReadUInt32LittleEndian(header[12..]);
            if ((long)position + HeaderBytes + pathLength + dataLength > bytes.Length) break;
            var recordPath = Encoding.UTF8.GetString(bytes, position + HeaderBytes, pathLength);
            var data = bytes.AsSpan(position + HeaderBytes + pathLength, dataLength).ToArray();
            records.Add(new JournalRecord(position, type, recordPath,
                BinaryPrimitives.ReadUInt64LittleEndian(header[16..]), BinaryPrimitives.ReadUInt64LittleEndian(header[24..]),
                BinaryPrimitives.ReadInt64LittleEndian(header[32..]), BinaryPrimitives.ReadInt64LittleEndian(header[40..]),
                BinaryPrimitives.ReadInt64LittleEndian(header[48..]), data));
            position += HeaderBytes + pathLength + dataLength;
        }
        return records;
    }

    /// <summary>Appends a record saying that everything journaled so far is durable.</summary>
    public static void AppendSyncAll(string path)
    {
        using var journal = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite);
        Span<byte> header = stackalloc byte[HeaderBytes];
        header.Clear();
        BinaryPrimitives.WriteUInt32LittleEndian(header, (uint)RecordType.SyncAll);
        BinaryPrimitives.WriteInt64LittleEndian(header[48..], journal.Length);
        journal.Write(header);
    }
}
