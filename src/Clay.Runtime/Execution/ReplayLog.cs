using Clay.Runtime.Oplog;

namespace Clay.Runtime.Execution;

/// <summary>
/// The recorded entries a worker is replayed from, with a cursor. Effects consume entries in order;
/// markers that do not belong to the invocation's own sequence (logs, errors of failed attempts,
/// memory growth, queued invocations…) are stepped over.
/// </summary>
internal sealed class ReplayLog(IReadOnlyList<(long Index, OplogEntry Entry)> entries)
{
    private int _position;

    /// <summary>True while recorded entries remain.</summary>
    public bool HasMore => _position < entries.Count;

    /// <summary>The index of the last recorded entry (0 when empty).</summary>
    public long LastIndex => entries.Count == 0 ? 0 : entries[^1].Index;

    /// <summary>The next entry without consuming it, markers included.</summary>
    public (long Index, OplogEntry Entry)? Peek() => HasMore ? entries[_position] : null;

    /// <summary>Consumes the next entry, markers included.</summary>
    public (long Index, OplogEntry Entry) Next() => entries[_position++];

    /// <summary>
    /// The next entry that belongs to a running invocation's own sequence — an effect, an effect's
    /// begin marker, or the invocation's end — stepping over markers. Null when none remains.
    /// </summary>
    public (long Index, OplogEntry Entry)? PeekSignificant()
    {
        while (HasMore)
        {
            var current = entries[_position];
            if (!IsMarker(current.Entry)) return current;
            _position++;
        }
        return null;
    }

    /// <summary>Skips to the end: used when a worker is rebuilt from a snapshot or fails.</summary>
    public void SkipTo(long index)
    {
        while (HasMore && entries[_position].Index <= index) _position++;
    }

    private static bool IsMarker(OplogEntry entry) => entry.Role == ReplayRole.Marker;
}
