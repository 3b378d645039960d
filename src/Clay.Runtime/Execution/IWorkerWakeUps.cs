namespace Clay.Runtime.Execution;

/// <summary>
/// Wakes workers at a time they asked for. A worker that sleeps, waits to retry or has a scheduled
/// invocation stores its wake-up time with its oplog (see <see cref="Storage.WorkerMark"/>) and tells
/// the host here, so the host can bring it back into memory at that time if it was dropped meanwhile.
/// Waking a worker that is already in memory, or waking it twice, does no harm.
/// </summary>
public interface IWorkerWakeUps
{
    /// <summary>Asks for <paramref name="worker"/> to be woken at <paramref name="at"/> (now or in the past: at once).</summary>
    void WakeAt(WorkerId worker, DateTimeOffset at);
}
