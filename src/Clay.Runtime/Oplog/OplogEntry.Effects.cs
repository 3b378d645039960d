using Clay.Runtime.Components;
using Clay.Runtime.Oplog.Display;
using Clay.Runtime.Values;
using Clay.Sdk;

namespace Clay.Runtime.Oplog;

// The kinds of what a running invocation did outside itself: effects, their regions, sleeps, log lines.
public abstract partial record OplogEntry
{
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

        /// <inheritdoc/>
        public override ReplayRole Role => ReplayRole.Step;

        internal override void Describe(OplogEntryFields d)
        {
            d.Add("function", FunctionName);
            d.Add("effect", KebabCase.FromPascal(EffectKind.ToString()));
            d.AddValue("request", Request);
            d.AddValue("response", Response);
        }
    }

    /// <summary>A non-idempotent external effect is about to run; durable before it starts.</summary>
    public sealed record BeginRemoteWrite(DateTimeOffset Timestamp, string FunctionName) : OplogEntry(Timestamp)
    {
        /// <inheritdoc/>
        public override OplogEntryKind Kind => OplogEntryKind.BeginRemoteWrite;

        /// <inheritdoc/>
        public override ReplayRole Role => ReplayRole.Step;

        internal override void Describe(OplogEntryFields d)
        {
            d.Add("function", FunctionName);
        }
    }

    /// <summary>
    /// The write begun at <paramref name="BeginIndex"/> ended without an outcome: it failed transiently
    /// on every attempt and its invocation is retried, which runs the write again.
    /// </summary>
    public sealed record EndRemoteWrite(DateTimeOffset Timestamp, long BeginIndex) : OplogEntry(Timestamp)
    {
        /// <inheritdoc/>
        public override OplogEntryKind Kind => OplogEntryKind.EndRemoteWrite;

        /// <inheritdoc/>
        public override ReplayRole Role => ReplayRole.Step;

        internal override void Describe(OplogEntryFields d)
        {
            d.Add("begin-index", BeginIndex);
        }
    }

    /// <summary>Begins a region whose effects are all-or-nothing on recovery.</summary>
    public sealed record BeginAtomicRegion(DateTimeOffset Timestamp) : OplogEntry(Timestamp)
    {
        /// <inheritdoc/>
        public override OplogEntryKind Kind => OplogEntryKind.BeginAtomicRegion;

        /// <inheritdoc/>
        public override ReplayRole Role => ReplayRole.Marker;

        internal override void Describe(OplogEntryFields d)
        {
        }
    }

    /// <summary>Ends the atomic region that began at <paramref name="BeginIndex"/>.</summary>
    public sealed record EndAtomicRegion(DateTimeOffset Timestamp, long BeginIndex) : OplogEntry(Timestamp)
    {
        /// <inheritdoc/>
        public override OplogEntryKind Kind => OplogEntryKind.EndAtomicRegion;

        /// <inheritdoc/>
        public override ReplayRole Role => ReplayRole.Marker;

        internal override void Describe(OplogEntryFields d)
        {
            d.Add("begin-index", BeginIndex);
        }
    }

    /// <summary>The running invocation waits on a durable sleep until <paramref name="WakeAt"/>.</summary>
    public sealed record Suspend(DateTimeOffset Timestamp, DateTimeOffset WakeAt) : OplogEntry(Timestamp)
    {
        /// <inheritdoc/>
        public override OplogEntryKind Kind => OplogEntryKind.Suspend;

        /// <inheritdoc/>
        public override ReplayRole Role => ReplayRole.Marker;

        internal override void Describe(OplogEntryFields d)
        {
            d.Add("wake-at", WakeAt);
        }
    }

    /// <summary>A durable log line written by the worker; never emitted again on replay.</summary>
    public sealed record Log(DateTimeOffset Timestamp, WorkerLogLevel Level, string Context, string Message) : OplogEntry(Timestamp)
    {
        /// <inheritdoc/>
        public override OplogEntryKind Kind => OplogEntryKind.Log;

        /// <inheritdoc/>
        public override ReplayRole Role => ReplayRole.Marker;

        internal override void Describe(OplogEntryFields d)
        {
            d.Add("level", Level.ToString().ToLowerInvariant());
            if (Context.Length > 0) d.Add("context", Context);
            d.Add("message", Message);
        }
    }
}
