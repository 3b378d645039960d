using Clay.Runtime.Oplog.Display;

namespace Clay.Runtime.Oplog;

/// <summary>
/// One event in a worker's oplog. A closed hierarchy: the constructor is private, so the only kinds
/// are the sealed records nested here (in the partial files beside this one, grouped by what they
/// record). Each kind states its own facts in one place: its stable numeric
/// <see cref="OplogEntryKind"/> tag used by the binary codec (never renumbered; new kinds go at the
/// end), its <see cref="ReplayRole"/>, and the fields <c>clay worker oplog</c> shows and queries
/// search (<see cref="Describe"/>). The kebab-case name of the tag is the kind's name.
/// </summary>
public abstract partial record OplogEntry
{
    private OplogEntry(DateTimeOffset timestamp)
    {
        Timestamp = timestamp;
    }

    /// <summary>When the entry was written (UTC, microsecond precision in storage).</summary>
    public DateTimeOffset Timestamp { get; init; }

    /// <summary>The entry's stable tag.</summary>
    public abstract OplogEntryKind Kind { get; }

    /// <summary>Whether replay consumes the entry in the sequence of an invocation, or steps over it.</summary>
    public abstract ReplayRole Role { get; }

    /// <summary>Adds the entry's fields, in display order, and the values it carries.</summary>
    internal abstract void Describe(OplogEntryFields d);
}

/// <summary>How replay treats an entry kind.</summary>
public enum ReplayRole
{
    /// <summary>
    /// Part of an invocation's own sequence, consumed in order by replay and checked against what the
    /// code does: the creation, an invocation's start and end, an effect and an effect's begin marker.
    /// </summary>
    Step,

    /// <summary>Recorded beside the sequence (logs, failed attempts, memory, queued invocations…): replay steps over it.</summary>
    Marker,
}
