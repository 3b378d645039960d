using System.Text;

namespace Clay.Reliability.PowerCut;

/// <summary>One record of the journal, with the offset it starts at.</summary>
internal sealed record JournalRecord(long Position, RecordType Type, string Path, ulong Device, ulong Inode, long Offset, long OldSize, long Covers,
    byte[] Data)
{
    public (ulong Device, ulong Inode) File => (Device, Inode);

    public string DataText => Encoding.UTF8.GetString(Data);
}
