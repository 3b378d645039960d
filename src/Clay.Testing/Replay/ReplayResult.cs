using Clay.Runtime;
using Clay.Runtime.Execution;

namespace Clay.Testing.Replay;

/// <summary>What replaying a recorded history against the component's code found.</summary>
/// <param name="Worker">The worker whose history was replayed.</param>
/// <param name="Entries">How many entries the history holds.</param>
/// <param name="Status">The worker's status once replayed (<see cref="WorkerStatus.Failed"/> when the replay failed).</param>
/// <param name="Divergence">Where the code left the history, or null.</param>
/// <param name="Failure">Why the replay failed (the nondeterminism, a corrupt entry, the constructor throwing, …), or null.</param>
public sealed record ReplayResult(WorkerId Worker, long Entries, WorkerStatus Status, ReplayDivergence? Divergence, Exception? Failure)
{
    /// <summary>True when the code did everything the history recorded, in the same order, with the same results.</summary>
    public bool IsDeterministic => Divergence is null && Failure is null;

    /// <summary>Throws unless <see cref="IsDeterministic"/>.</summary>
    /// <exception cref="ReplayMismatchException">The replay left the history or failed; the message names the entry and both sides.</exception>
    public void EnsureDeterministic()
    {
        if (!IsDeterministic) throw new ReplayMismatchException(this);
    }
}
