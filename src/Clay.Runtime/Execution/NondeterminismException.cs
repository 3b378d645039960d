using Clay.Runtime.Errors;

namespace Clay.Runtime.Execution;

/// <summary>
/// Replay found the worker's code doing something other than what its oplog recorded. The worker
/// goes to <see cref="WorkerStatus.Failed"/>; nothing is appended to its oplog.
/// </summary>
public sealed class NondeterminismException(long oplogIndex, string expected, string attempted)
    : ClayException(ErrorCodes.NondeterminismDetected,
        $"nondeterminism detected at oplog index {oplogIndex}: the oplog recorded {expected}, but the code attempted {attempted}")
{
    /// <summary>The index of the recorded entry that did not match.</summary>
    public long OplogIndex { get; } = oplogIndex;

    /// <summary>What the oplog recorded.</summary>
    public string Expected { get; } = expected;

    /// <summary>What the code did instead.</summary>
    public string Attempted { get; } = attempted;
}
