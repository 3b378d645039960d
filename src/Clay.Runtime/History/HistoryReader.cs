using Clay.Runtime.Execution;
using Clay.Runtime.Oplog;
using Clay.Runtime.Storage;

namespace Clay.Runtime.History;

/// <summary>Reads a worker's durable oplog for an edit of its history (revert, fork), decoded and as stored.</summary>
internal static class HistoryReader
{
    /// <summary>The entries 1 to <paramref name="toIndex"/>, decoded, with their stored bytes.</summary>
    public static async Task<List<(long Index, OplogEntry Entry, ReadOnlyMemory<byte> Payload)>> ReadAsync(IOplogStore store, WorkerId worker,
        long toIndex, CancellationToken cancellationToken)
    {
        var entries = new List<(long, OplogEntry, ReadOnlyMemory<byte>)>((int)Math.Min(toIndex, 1 << 16));
        await foreach (var stored in store.ReadAsync(worker, 1, toIndex, cancellationToken))
        {
            entries.Add((stored.Index, RecoveryWindow.Decode(worker, stored), stored.Payload));
        }
        if (entries.Count != toIndex) throw new OplogCorruptException(worker, entries.Count + 1, "the entry is missing");
        return entries;
    }
}
