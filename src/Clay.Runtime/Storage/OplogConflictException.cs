using Clay.Runtime.Errors;

namespace Clay.Runtime.Storage;

/// <summary>An append's first index did not follow the oplog's last index: another writer owns the worker.</summary>
public sealed class OplogConflictException(WorkerId worker, long expectedIndex, long lastIndex)
    : ClayException(ErrorCodes.OplogConflict,
        $"oplog conflict for worker {worker}: append at index {expectedIndex} but the last durable index is {lastIndex}; another executor is writing this worker")
{
    /// <summary>The worker.</summary>
    public WorkerId Worker { get; } = worker;

    /// <summary>The index the append started at.</summary>
    public long ExpectedIndex { get; } = expectedIndex;

    /// <summary>The oplog's actual last index.</summary>
    public long LastIndex { get; } = lastIndex;
}
