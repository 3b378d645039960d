using Clay.Runtime.Types;
using Clay.Runtime.Values;
using Clay.Sdk;

namespace Clay.Runtime.Oplog;

/// <summary>
/// One event in a worker's oplog. A closed hierarchy of sealed records; each kind has a stable
/// numeric <see cref="OplogEntryKind"/> tag used by the binary codec and a kebab-case name used by
/// <c>clay worker oplog</c>. Never renumber a kind; add new ones at the end.
/// </summary>
/// <param name="Timestamp">When the entry was written (UTC, microsecond precision in storage).</param>
public abstract record OplogEntry(DateTimeOffset Timestamp)
{
    /// <summary>The entry's stable tag.</summary>
    public abstract OplogEntryKind Kind { get; }

    /// <summary>The worker was created.</summary>
    /// <param name="ComponentVersion">The component version the worker runs.</param>
    /// <param name="Arguments">Start-up arguments.</param>
    /// <param name="Environment">Start-up environment, in the order given.</param>
    /// <param name="ComponentSize">Size of the component package in bytes.</param>
    /// <param name="InitialMemory">The worker's memory right after construction, in bytes.</param>
    public sealed record Create(DateTimeOffset Timestamp, long ComponentVersion, EquatableArray<string> Arguments,
        EquatableArray<KeyValuePair<string, string>> Environment, long ComponentSize, long InitialMemory) : OplogEntry(Timestamp)
    {
        /// <inheritdoc/>
        public override OplogEntryKind Kind => OplogEntryKind.Create;
    }

    /// <summary>An invocation of an exported function began.</summary>
    public sealed record ExportedFunctionInvoked(DateTimeOffset Timestamp, string FunctionName, EquatableArray<Value> Arguments,
        string IdempotencyKey) : OplogEntry(Timestamp)
    {
        /// <inheritdoc/>
        public override OplogEntryKind Kind => OplogEntryKind.ExportedFunctionInvoked;
    }

    /// <summary>The running invocation returned; <paramref name="Result"/> is null for a unit result.</summary>
    public sealed record ExportedFunctionCompleted(DateTimeOffset Timestamp, Value? Result) : OplogEntry(Timestamp)
    {
        /// <inheritdoc/>
        public override OplogEntryKind Kind => OplogEntryKind.ExportedFunctionCompleted;
    }

    /// <summary>The running invocation threw; the caller gets an <c>invocation-failed</c> error.</summary>
    /// <param name="ExceptionType">Full name of the exception's type.</param>
    /// <param name="Message">The exception's message.</param>
    public sealed record ExportedFunctionFailed(DateTimeOffset Timestamp, string ExceptionType, string Message) : OplogEntry(Timestamp)
    {
        /// <inheritdoc/>
        public override OplogEntryKind Kind => OplogEntryKind.ExportedFunctionFailed;
    }

    /// <summary>A durable effect and its outcome (clock, random, HTTP, <c>RunAsync</c>…).</summary>
    /// <param name="FunctionName">The effect, for example <c>clock::utc-now</c> or <c>http::POST</c>.</param>
    /// <param name="Request">What was asked.</param>
    /// <param name="Response">What came back: for remote effects <c>ok(…)</c> or <c>err({ type, message })</c>.</param>
    /// <param name="EffectKind">Local or remote, read or write.</param>
    public sealed record ImportedFunctionInvoked(DateTimeOffset Timestamp, string FunctionName, Value Request, Value Response,
        EffectKind EffectKind) : OplogEntry(Timestamp)
    {
        /// <inheritdoc/>
        public override OplogEntryKind Kind => OplogEntryKind.ImportedFunctionInvoked;
    }

    /// <summary>The running invocation waits on a durable sleep until <paramref name="WakeAt"/>.</summary>
    public sealed record Suspend(DateTimeOffset Timestamp, DateTimeOffset WakeAt) : OplogEntry(Timestamp)
    {
        /// <inheritdoc/>
        public override OplogEntryKind Kind => OplogEntryKind.Suspend;
    }

    /// <summary>A failure: of an effect attempt (to be retried) or of the worker.</summary>
    /// <param name="ErrorCode">Stable error code.</param>
    /// <param name="Message">What happened.</param>
    /// <param name="Attempt">The attempt that failed (1 = first).</param>
    public sealed record Error(DateTimeOffset Timestamp, string ErrorCode, string Message, int Attempt) : OplogEntry(Timestamp)
    {
        /// <inheritdoc/>
        public override OplogEntryKind Kind => OplogEntryKind.Error;
    }

    /// <summary>The worker was interrupted; it resumes when asked.</summary>
    public sealed record Interrupted(DateTimeOffset Timestamp) : OplogEntry(Timestamp)
    {
        /// <inheritdoc/>
        public override OplogEntryKind Kind => OplogEntryKind.Interrupted;
    }

    /// <summary>The worker exited; it takes no more invocations.</summary>
    public sealed record Exited(DateTimeOffset Timestamp) : OplogEntry(Timestamp)
    {
        /// <inheritdoc/>
        public override OplogEntryKind Kind => OplogEntryKind.Exited;
    }

    /// <summary>Replay skips the entries from <paramref name="Start"/> to <paramref name="End"/> inclusive (revert).</summary>
    public sealed record Jump(DateTimeOffset Timestamp, long Start, long End) : OplogEntry(Timestamp)
    {
        /// <inheritdoc/>
        public override OplogEntryKind Kind => OplogEntryKind.Jump;
    }

    /// <summary>A durable log line written by the worker; never emitted again on replay.</summary>
    public sealed record Log(DateTimeOffset Timestamp, WorkerLogLevel Level, string Context, string Message) : OplogEntry(Timestamp)
    {
        /// <inheritdoc/>
        public override OplogEntryKind Kind => OplogEntryKind.Log;
    }

    /// <summary>An invocation was accepted into the worker's queue before it could run.</summary>
    public sealed record PendingWorkerInvocation(DateTimeOffset Timestamp, string FunctionName, EquatableArray<Value> Arguments,
        string IdempotencyKey) : OplogEntry(Timestamp)
    {
        /// <inheritdoc/>
        public override OplogEntryKind Kind => OplogEntryKind.PendingWorkerInvocation;
    }

    /// <summary>An update to another component version was requested.</summary>
    public sealed record PendingUpdate(DateTimeOffset Timestamp, long TargetVersion, UpdateMode Mode) : OplogEntry(Timestamp)
    {
        /// <inheritdoc/>
        public override OplogEntryKind Kind => OplogEntryKind.PendingUpdate;
    }

    /// <summary>The worker now runs <paramref name="TargetVersion"/>.</summary>
    public sealed record SuccessfulUpdate(DateTimeOffset Timestamp, long TargetVersion, long NewComponentSize) : OplogEntry(Timestamp)
    {
        /// <inheritdoc/>
        public override OplogEntryKind Kind => OplogEntryKind.SuccessfulUpdate;
    }

    /// <summary>The update to <paramref name="TargetVersion"/> failed; the worker stays on its version.</summary>
    public sealed record FailedUpdate(DateTimeOffset Timestamp, long TargetVersion, string? Details) : OplogEntry(Timestamp)
    {
        /// <inheritdoc/>
        public override OplogEntryKind Kind => OplogEntryKind.FailedUpdate;
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
    public sealed record Snapshot(DateTimeOffset Timestamp, string Format, Bytes Data, long FirstPending = 0, long RecordedMemory = 0,
        string? LastError = null) : OplogEntry(Timestamp)
    {
        /// <inheritdoc/>
        public override OplogEntryKind Kind => OplogEntryKind.Snapshot;
    }

    /// <summary>The retry policy for transient failures changed.</summary>
    public sealed record ChangeRetryPolicy(DateTimeOffset Timestamp, int MaxAttempts, TimeSpan InitialDelay, TimeSpan MaxDelay,
        double Multiplier) : OplogEntry(Timestamp)
    {
        /// <inheritdoc/>
        public override OplogEntryKind Kind => OplogEntryKind.ChangeRetryPolicy;
    }

    /// <summary>Begins a region whose effects are all-or-nothing on recovery.</summary>
    public sealed record BeginAtomicRegion(DateTimeOffset Timestamp) : OplogEntry(Timestamp)
    {
        /// <inheritdoc/>
        public override OplogEntryKind Kind => OplogEntryKind.BeginAtomicRegion;
    }

    /// <summary>Ends the atomic region that began at <paramref name="BeginIndex"/>.</summary>
    public sealed record EndAtomicRegion(DateTimeOffset Timestamp, long BeginIndex) : OplogEntry(Timestamp)
    {
        /// <inheritdoc/>
        public override OplogEntryKind Kind => OplogEntryKind.EndAtomicRegion;
    }

    /// <summary>A non-idempotent external effect is about to run; durable before it starts.</summary>
    public sealed record BeginRemoteWrite(DateTimeOffset Timestamp, string FunctionName) : OplogEntry(Timestamp)
    {
        /// <inheritdoc/>
        public override OplogEntryKind Kind => OplogEntryKind.BeginRemoteWrite;
    }

    /// <summary>The effect begun at <paramref name="BeginIndex"/> finished.</summary>
    public sealed record EndRemoteWrite(DateTimeOffset Timestamp, long BeginIndex) : OplogEntry(Timestamp)
    {
        /// <inheritdoc/>
        public override OplogEntryKind Kind => OplogEntryKind.EndRemoteWrite;
    }

    /// <summary>A queued invocation was cancelled before it ran.</summary>
    public sealed record CancelPendingInvocation(DateTimeOffset Timestamp, string IdempotencyKey) : OplogEntry(Timestamp)
    {
        /// <inheritdoc/>
        public override OplogEntryKind Kind => OplogEntryKind.CancelPendingInvocation;
    }

    /// <summary>The worker was restarted from scratch (its earlier history is ignored by replay).</summary>
    public sealed record Restart(DateTimeOffset Timestamp) : OplogEntry(Timestamp)
    {
        /// <inheritdoc/>
        public override OplogEntryKind Kind => OplogEntryKind.Restart;
    }

    /// <summary>The worker's memory grew by <paramref name="Delta"/> bytes to <paramref name="Total"/>.</summary>
    public sealed record GrowMemory(DateTimeOffset Timestamp, long Delta, long Total) : OplogEntry(Timestamp)
    {
        /// <inheritdoc/>
        public override OplogEntryKind Kind => OplogEntryKind.GrowMemory;
    }
}
