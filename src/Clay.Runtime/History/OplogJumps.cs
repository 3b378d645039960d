using Clay.Runtime.Oplog;

namespace Clay.Runtime.History;

/// <summary>
/// How <c>jump</c> entries (written by a revert) shape the history replay sees. A jump skips the
/// entries from its start to its end; a jump that a later jump skips no longer counts, so reverting to
/// an index always brings back the history exactly as it stood when that entry was written.
/// </summary>
internal static class OplogJumps
{
    /// <summary>
    /// The entries replay uses, in index order: <paramref name="entries"/> (a prefix of an oplog, in
    /// index order) without the jumps and the entries the jumps that count skip.
    /// </summary>
    public static List<(long Index, OplogEntry Entry)> Apply(IReadOnlyList<(long Index, OplogEntry Entry)> entries)
    {
        var kept = new List<(long Index, OplogEntry Entry)>(entries.Count);
        var skipped = new List<(long Start, long End)>();
        // From the end: the latest jump decides first, and what it skips (older jumps included) is gone.
        for (var i = entries.Count - 1; i >= 0; i--)
        {
            var (index, entry) = entries[i];
            if (IsSkipped(skipped, index)) continue;
            if (entry is OplogEntry.Jump jump)
            {
                skipped.Add((jump.Start, jump.End));
                continue;
            }
            kept.Add(entries[i]);
        }
        kept.Reverse();
        return kept;
    }

    /// <summary>True when <paramref name="entries"/> holds a jump.</summary>
    public static bool AnyJump(IReadOnlyList<(long Index, OplogEntry Entry)> entries) => entries.Any(e => e.Entry is OplogEntry.Jump);

    /// <summary>True when <paramref name="index"/> lies in one of the <paramref name="skipped"/> ranges.</summary>
    public static bool IsSkipped(List<(long Start, long End)> skipped, long index)
    {
        foreach (var (start, end) in skipped)
        {
            if (index >= start && index <= end) return true;
        }
        return false;
    }
}
