using Clay.Runtime.Types;
using Clay.Runtime.Values;

namespace Clay.Runtime.Execution;

/// <summary>An invocation waiting in a worker's queue, and where its outcome goes.</summary>
internal sealed class QueuedInvocation(string functionName, EquatableArray<Value> arguments, string idempotencyKey, long pendingIndex = 0)
{
    public string FunctionName { get; } = functionName;

    public EquatableArray<Value> Arguments { get; } = arguments;

    public string IdempotencyKey { get; } = idempotencyKey;

    /// <summary>The index of its <c>pending-worker-invocation</c> entry when it was enqueued durably, else 0.</summary>
    public long PendingIndex { get; } = pendingIndex;

    public TaskCompletionSource<InvocationOutcome> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}
