using Clay.Runtime.Types;
using Clay.Runtime.Values;

namespace Clay.Runtime.Execution;

/// <summary>An invocation waiting in a worker's queue, and where its outcome goes.</summary>
internal sealed class QueuedInvocation(string functionName, EquatableArray<Value> arguments, string idempotencyKey)
{
    public string FunctionName { get; } = functionName;

    public EquatableArray<Value> Arguments { get; } = arguments;

    public string IdempotencyKey { get; } = idempotencyKey;

    public TaskCompletionSource<InvocationOutcome> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}
