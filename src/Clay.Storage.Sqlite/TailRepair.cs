using Clay.Runtime;

namespace Clay.Storage.Sqlite;

/// <summary>A corrupt oplog tail found when the store opened, and dropped so the valid prefix could be used.</summary>
/// <param name="Worker">The worker whose oplog was repaired.</param>
/// <param name="FirstBadIndex">The index of the first entry that failed its checksum.</param>
/// <param name="DroppedEntries">How many entries were removed (the bad one and all after it).</param>
public sealed record TailRepair(WorkerId Worker, long FirstBadIndex, long DroppedEntries)
{
    /// <inheritdoc/>
    public override string ToString() =>
        $"oplog of worker {Worker} had a corrupt entry at index {FirstBadIndex}; dropped {DroppedEntries} entries and kept the valid prefix of {FirstBadIndex - 1}";
}
