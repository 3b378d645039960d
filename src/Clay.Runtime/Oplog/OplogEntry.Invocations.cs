using Clay.Runtime.Oplog.Display;
using Clay.Runtime.Types;
using Clay.Runtime.Values;

namespace Clay.Runtime.Oplog;

// The kinds of the invocations of exported functions: how a worker was created, what it was asked and what it answered.
public abstract partial record OplogEntry
{
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

        /// <inheritdoc/>
        public override ReplayRole Role => ReplayRole.Step;

        internal override void Describe(OplogEntryFields d)
        {
            d.Add("component-version", ComponentVersion);
            d.Add("component-size", ComponentSize);
            d.Add("initial-memory", InitialMemory);
            if (Arguments.Length > 0) d.Add("args", string.Join(" ", Arguments));
            if (Environment.Length > 0) d.Add("env", string.Join(", ", Environment.Select(p => $"{p.Key}={p.Value}")));
        }
    }

    /// <summary>An invocation of an exported function began.</summary>
    public sealed record ExportedFunctionInvoked(DateTimeOffset Timestamp, string FunctionName, EquatableArray<Value> Arguments,
        string IdempotencyKey) : OplogEntry(Timestamp)
    {
        /// <inheritdoc/>
        public override OplogEntryKind Kind => OplogEntryKind.ExportedFunctionInvoked;

        /// <inheritdoc/>
        public override ReplayRole Role => ReplayRole.Step;

        internal override void Describe(OplogEntryFields d)
        {
            d.Add("function", FunctionName);
            d.Add("idempotency-key", IdempotencyKey);
            d.AddValues("input", Arguments);
        }
    }

    /// <summary>The running invocation returned; <paramref name="Result"/> is null for a unit result.</summary>
    public sealed record ExportedFunctionCompleted(DateTimeOffset Timestamp, Value? Result) : OplogEntry(Timestamp)
    {
        /// <inheritdoc/>
        public override OplogEntryKind Kind => OplogEntryKind.ExportedFunctionCompleted;

        /// <inheritdoc/>
        public override ReplayRole Role => ReplayRole.Step;

        internal override void Describe(OplogEntryFields d)
        {
            d.AddValue("result", Result);
        }
    }

    /// <summary>The running invocation threw; the caller gets an <c>invocation-failed</c> error.</summary>
    /// <param name="ExceptionType">Full name of the exception's type.</param>
    /// <param name="Message">The exception's message.</param>
    public sealed record ExportedFunctionFailed(DateTimeOffset Timestamp, string ExceptionType, string Message) : OplogEntry(Timestamp)
    {
        /// <inheritdoc/>
        public override OplogEntryKind Kind => OplogEntryKind.ExportedFunctionFailed;

        /// <inheritdoc/>
        public override ReplayRole Role => ReplayRole.Step;

        internal override void Describe(OplogEntryFields d)
        {
            d.Add("error-type", ExceptionType);
            d.Add("message", Message);
        }
    }

    /// <summary>An invocation was accepted into the worker's queue before it could run.</summary>
    public sealed record PendingWorkerInvocation(DateTimeOffset Timestamp, string FunctionName, EquatableArray<Value> Arguments,
        string IdempotencyKey) : OplogEntry(Timestamp)
    {
        /// <inheritdoc/>
        public override OplogEntryKind Kind => OplogEntryKind.PendingWorkerInvocation;

        /// <inheritdoc/>
        public override ReplayRole Role => ReplayRole.Marker;

        internal override void Describe(OplogEntryFields d)
        {
            d.Add("function", FunctionName);
            d.Add("idempotency-key", IdempotencyKey);
            d.AddValues("input", Arguments);
        }
    }

    /// <summary>
    /// An invocation was scheduled to start at <paramref name="DueAt"/>: it waits durably, and joins the
    /// worker's queue when its time comes (or at once, when the worker wakes after it).
    /// </summary>
    public sealed record ScheduledInvocation(DateTimeOffset Timestamp, string FunctionName, EquatableArray<Value> Arguments,
        string IdempotencyKey, DateTimeOffset DueAt) : OplogEntry(Timestamp)
    {
        /// <inheritdoc/>
        public override OplogEntryKind Kind => OplogEntryKind.ScheduledInvocation;

        /// <inheritdoc/>
        public override ReplayRole Role => ReplayRole.Marker;

        internal override void Describe(OplogEntryFields d)
        {
            d.Add("function", FunctionName);
            d.Add("idempotency-key", IdempotencyKey);
            d.Add("due-at", DueAt.ToString("O", System.Globalization.CultureInfo.InvariantCulture));
            d.AddValues("input", Arguments);
        }
    }

    /// <summary>A queued invocation was cancelled before it ran.</summary>
    public sealed record CancelPendingInvocation(DateTimeOffset Timestamp, string IdempotencyKey) : OplogEntry(Timestamp)
    {
        /// <inheritdoc/>
        public override OplogEntryKind Kind => OplogEntryKind.CancelPendingInvocation;

        /// <inheritdoc/>
        public override ReplayRole Role => ReplayRole.Marker;

        internal override void Describe(OplogEntryFields d)
        {
            d.Add("idempotency-key", IdempotencyKey);
        }
    }
}
