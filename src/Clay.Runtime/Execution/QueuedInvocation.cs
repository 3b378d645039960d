using Clay.Runtime.Types;
using Clay.Runtime.Values;

namespace Clay.Runtime.Execution;

/// <summary>An invocation waiting in a worker's queue, and where its outcome goes.</summary>
/// <param name="functionName">The exported function.</param>
/// <param name="arguments">The arguments, as the function receives them.</param>
/// <param name="encodedArguments">The same arguments encoded once (<c>OplogCodec.EncodeArguments</c>): what the oplog records.</param>
/// <param name="idempotencyKey">The key.</param>
/// <param name="pendingIndex">The index of its <c>pending-worker-invocation</c> entry when it was enqueued durably, else 0.</param>
/// <param name="recordedAt">
/// The index of its <c>exported-function-invoked</c> entry when it had started before the worker was
/// last closed (it resumes: replayed up to where it stopped, then live), else 0.
/// </param>
internal sealed class QueuedInvocation(string functionName, EquatableArray<Value> arguments, byte[] encodedArguments, string idempotencyKey,
    long pendingIndex = 0, long recordedAt = 0)
{
    public long RecordedAt { get; } = recordedAt;

    /// <summary>Set when it was cancelled while queued: the queue drops it.</summary>
    public bool Cancelled { get; set; }

    /// <summary>
    /// The workers waiting on this invocation, when a worker called it. An invocation resumed from the
    /// oplog has none until its caller asks again under the same key.
    /// </summary>
    public IReadOnlyList<string>? CallChain { get; set; }

    public string FunctionName { get; } = functionName;

    public EquatableArray<Value> Arguments { get; } = arguments;

    public byte[] EncodedArguments { get; } = encodedArguments;

    public string IdempotencyKey { get; } = idempotencyKey;

    public long PendingIndex { get; } = pendingIndex;

    /// <summary>The span of the caller that queued it (none when tracing is off): the invocation's span is its child.</summary>
    public System.Diagnostics.ActivityContext Parent { get; } = System.Diagnostics.Activity.Current?.Context ?? default;

    /// <summary>
    /// Where its outcome goes. Its waiter's continuation runs on the thread that sets it (the processing
    /// loop, right after the commit), which saves a hand-off to another thread on every invocation; so it
    /// is never set under the executor's lock.
    /// </summary>
    public TaskCompletionSource<InvocationOutcome> Completion { get; } = new();
}
