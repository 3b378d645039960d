namespace Clay.Runtime.Storage;

/// <summary>
/// A store that takes an append in order without its writer waiting for it to be durable, because
/// the one that answers for the worker waits instead: a component host's view of the server's store,
/// where the server holds the answer of an invocation until the commit that ended it is durable.
/// </summary>
/// <remarks>
/// <para><b>Order.</b> A hand-over is written behind every append and hand-over of the worker made
/// before it, and ahead of every one made after it. The store fences it like any append: one whose
/// first index does not follow the worker's last durable index is refused, so a hand-over that failed
/// makes every later one of the same writer fail too, until the worker is reopened from what is durable.</para>
/// <para><b>Durability.</b> Nothing is acknowledged on a hand-over. Whoever acknowledges the worker's
/// state to anyone (an invocation's caller) waits for it to be durable first;
/// <see cref="SyncAsync"/> is how the writer itself waits, before an effect or a queued invocation.</para>
/// </remarks>
public interface IOplogHandOver
{
    /// <summary>
    /// Sends <paramref name="entries"/>, the first at <paramref name="firstIndex"/>, and the mark if given,
    /// to be appended in order; returns without waiting for them to be durable.
    /// </summary>
    /// <param name="worker">The worker.</param>
    /// <param name="firstIndex">The index of the first entry: the last index appended or handed over + 1.</param>
    /// <param name="entries">The encoded entries.</param>
    /// <param name="mark">The worker's mark as of these entries, or null to leave it.</param>
    void HandOver(WorkerId worker, long firstIndex, IReadOnlyList<ReadOnlyMemory<byte>> entries, WorkerMark? mark);

    /// <summary>
    /// Sends what was handed over and is still waiting to go: a hand-over may wait to be sent with what
    /// follows it (the answer of the invocation it ended, in one write), until this is called or
    /// anything else is sent. The writer calls it once the worker has handed its answer on.
    /// </summary>
    void Send();

    /// <summary>Completes once everything handed over for <paramref name="worker"/> so far is durable; throws why when it could not be.</summary>
    ValueTask SyncAsync(WorkerId worker, CancellationToken cancellationToken = default);
}
