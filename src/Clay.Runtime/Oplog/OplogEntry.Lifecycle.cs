using System.Globalization;
using Clay.Runtime.Oplog.Display;

namespace Clay.Runtime.Oplog;

// The kinds of what happened to the worker itself: failures, interruptions, history edits, updates, snapshots, memory.
public abstract partial record OplogEntry
{
    /// <summary>A failure: of an effect attempt (to be retried) or of the worker.</summary>
    /// <param name="ErrorCode">Stable error code.</param>
    /// <param name="Message">What happened.</param>
    /// <param name="Attempt">The attempt that failed (1 = first).</param>
    public sealed record Error(DateTimeOffset Timestamp, string ErrorCode, string Message, int Attempt) : OplogEntry(Timestamp)
    {
        /// <inheritdoc/>
        public override OplogEntryKind Kind => OplogEntryKind.Error;

        /// <inheritdoc/>
        public override ReplayRole Role => ReplayRole.Marker;

        internal override void Describe(OplogEntryFields d)
        {
            d.Add("code", ErrorCode);
            d.Add("message", Message);
            d.Add("attempt", Attempt);
        }
    }

    /// <summary>The worker was interrupted; it resumes when asked.</summary>
    public sealed record Interrupted(DateTimeOffset Timestamp) : OplogEntry(Timestamp)
    {
        /// <inheritdoc/>
        public override OplogEntryKind Kind => OplogEntryKind.Interrupted;

        /// <inheritdoc/>
        public override ReplayRole Role => ReplayRole.Marker;

        internal override void Describe(OplogEntryFields d)
        {
        }
    }

    /// <summary>The worker exited; it takes no more invocations.</summary>
    public sealed record Exited(DateTimeOffset Timestamp) : OplogEntry(Timestamp)
    {
        /// <inheritdoc/>
        public override OplogEntryKind Kind => OplogEntryKind.Exited;

        /// <inheritdoc/>
        public override ReplayRole Role => ReplayRole.Marker;

        internal override void Describe(OplogEntryFields d)
        {
        }
    }

    /// <summary>Replay skips the entries from <paramref name="Start"/> to <paramref name="End"/> inclusive (revert).</summary>
    public sealed record Jump(DateTimeOffset Timestamp, long Start, long End) : OplogEntry(Timestamp)
    {
        /// <inheritdoc/>
        public override OplogEntryKind Kind => OplogEntryKind.Jump;

        /// <inheritdoc/>
        public override ReplayRole Role => ReplayRole.Marker;

        internal override void Describe(OplogEntryFields d)
        {
            d.Add("from", Start);
            d.Add("to", End);
        }
    }

    /// <summary>The worker was restarted from scratch (its earlier history is ignored by replay).</summary>
    public sealed record Restart(DateTimeOffset Timestamp) : OplogEntry(Timestamp)
    {
        /// <inheritdoc/>
        public override OplogEntryKind Kind => OplogEntryKind.Restart;

        /// <inheritdoc/>
        public override ReplayRole Role => ReplayRole.Marker;

        internal override void Describe(OplogEntryFields d)
        {
        }
    }

    /// <summary>An update to another component version was requested.</summary>
    public sealed record PendingUpdate(DateTimeOffset Timestamp, long TargetVersion, UpdateMode Mode) : OplogEntry(Timestamp)
    {
        /// <inheritdoc/>
        public override OplogEntryKind Kind => OplogEntryKind.PendingUpdate;

        /// <inheritdoc/>
        public override ReplayRole Role => ReplayRole.Marker;

        internal override void Describe(OplogEntryFields d)
        {
            d.Add("target-version", TargetVersion);
            d.Add("mode", Mode.ToString().ToLowerInvariant());
        }
    }

    /// <summary>The worker now runs <paramref name="TargetVersion"/>.</summary>
    public sealed record SuccessfulUpdate(DateTimeOffset Timestamp, long TargetVersion, long NewComponentSize) : OplogEntry(Timestamp)
    {
        /// <inheritdoc/>
        public override OplogEntryKind Kind => OplogEntryKind.SuccessfulUpdate;

        /// <inheritdoc/>
        public override ReplayRole Role => ReplayRole.Marker;

        internal override void Describe(OplogEntryFields d)
        {
            d.Add("target-version", TargetVersion);
            d.Add("component-size", NewComponentSize);
        }
    }

    /// <summary>The update to <paramref name="TargetVersion"/> failed; the worker stays on its version.</summary>
    public sealed record FailedUpdate(DateTimeOffset Timestamp, long TargetVersion, string? Details) : OplogEntry(Timestamp)
    {
        /// <inheritdoc/>
        public override OplogEntryKind Kind => OplogEntryKind.FailedUpdate;

        /// <inheritdoc/>
        public override ReplayRole Role => ReplayRole.Marker;

        internal override void Describe(OplogEntryFields d)
        {
            d.Add("target-version", TargetVersion);
            if (Details is not null) d.Add("details", Details);
        }
    }

    /// <summary>The retry policy for transient failures changed.</summary>
    public sealed record ChangeRetryPolicy(DateTimeOffset Timestamp, int MaxAttempts, TimeSpan InitialDelay, TimeSpan MaxDelay,
        double Multiplier) : OplogEntry(Timestamp)
    {
        /// <inheritdoc/>
        public override OplogEntryKind Kind => OplogEntryKind.ChangeRetryPolicy;

        /// <inheritdoc/>
        public override ReplayRole Role => ReplayRole.Marker;

        internal override void Describe(OplogEntryFields d)
        {
            d.Add("max-attempts", MaxAttempts);
            d.Add("initial-delay", InitialDelay.ToString("c", CultureInfo.InvariantCulture));
            d.Add("max-delay", MaxDelay.ToString("c", CultureInfo.InvariantCulture));
            d.Add("multiplier", Multiplier.ToString(CultureInfo.InvariantCulture));
        }
    }

    /// <summary>
    /// The worker's whole state, taken between invocations; recovery starts at the latest valid
    /// snapshot and reads the oplog only from there on (and back as far as <paramref name="FirstPending"/>
    /// and the retained idempotency keys need).
    /// </summary>
    /// <param name="Format">How <paramref name="Data"/> is encoded, for example <c>fields-json/1</c> or <c>custom</c>.</param>
    /// <param name="Data">The state.</param>
    /// <param name="FirstPending">The index of the oldest enqueued invocation not yet started when the snapshot was taken, or 0.</param>
    /// <param name="RecordedMemory">The memory the oplog last recorded for the worker (the latest <c>grow-memory</c> total).</param>
    /// <param name="LastError">The worker's last error when the snapshot was taken.</param>
    /// <param name="ComponentVersion">The component version that loads the state (-1: written before versions were recorded, the create entry's).</param>
    /// <param name="UpdatesFrom">The index of the first update entry (<c>pending-update</c>, <c>successful-update</c>,
    /// <c>failed-update</c>) before the snapshot: 0 when there is none, -1 when it is not known (written before
    /// snapshots recorded it). A reader of the update history starts there, or after the snapshot, instead of at the start.</param>
    public sealed record Snapshot(DateTimeOffset Timestamp, string Format, Bytes Data, long FirstPending = 0, long RecordedMemory = 0,
        string? LastError = null, long ComponentVersion = -1, long UpdatesFrom = -1) : OplogEntry(Timestamp)
    {
        /// <inheritdoc/>
        public override OplogEntryKind Kind => OplogEntryKind.Snapshot;

        /// <inheritdoc/>
        public override ReplayRole Role => ReplayRole.Marker;

        internal override void Describe(OplogEntryFields d)
        {
            d.Add("format", Format);
            d.Add("size", Data.Length);
            if (FirstPending > 0) d.Add("first-pending", FirstPending);
            if (ComponentVersion >= 0) d.Add("component-version", ComponentVersion);
            if (UpdatesFrom > 0) d.Add("updates-from", UpdatesFrom);
        }
    }

    /// <summary>The worker's memory grew by <paramref name="Delta"/> bytes to <paramref name="Total"/>.</summary>
    public sealed record GrowMemory(DateTimeOffset Timestamp, long Delta, long Total) : OplogEntry(Timestamp)
    {
        /// <inheritdoc/>
        public override OplogEntryKind Kind => OplogEntryKind.GrowMemory;

        /// <inheritdoc/>
        public override ReplayRole Role => ReplayRole.Marker;

        internal override void Describe(OplogEntryFields d)
        {
            d.Add("delta", Delta);
            d.Add("total", Total);
        }
    }
}
