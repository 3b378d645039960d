using Clay.Runtime.Errors;

namespace Clay.Runtime.Storage;

/// <summary>A stored entry failed its checksum or could not be decoded.</summary>
public sealed class OplogCorruptException(WorkerId worker, long index, string reason)
    : ClayException(ErrorCodes.OplogCorrupt, $"oplog of worker {worker} is corrupt at index {index}: {reason}")
{
    /// <summary>The worker.</summary>
    public WorkerId Worker { get; } = worker;

    /// <summary>The first bad entry.</summary>
    public long Index { get; } = index;

    /// <summary>What is wrong with it.</summary>
    public string Reason { get; } = reason;
}
