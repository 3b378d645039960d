namespace Clay.Runtime.Storage;

/// <summary>
/// Durable completions of promises. A worker creates a promise (an effect whose oplog index is the
/// promise's id), hands the id to the outside world and awaits it; anyone completes it, once.
/// </summary>
/// <remarks>
/// <para><b>Exactly once.</b> <see cref="CompleteAsync"/> stores a completion only if there is none
/// yet, atomically: of two concurrent completions exactly one wins, across nodes too.</para>
/// <para><b>Delivery.</b> The completion and a wake-up of the worker's mark (see
/// <see cref="IOplogStore.WakeAsync"/>) are one transaction, so a worker that waits for its promise
/// while out of memory is woken even if the process stops right after the completion.</para>
/// </remarks>
public interface IPromiseStore
{
    /// <summary>
    /// Stores the completion of <paramref name="worker"/>'s promise <paramref name="promise"/> with
    /// <paramref name="value"/> (encoded by <c>ValueCodec</c>) and wakes the worker at
    /// <paramref name="wakeAt"/>, unless the promise was completed before. Completes when durable.
    /// </summary>
    /// <returns>True when this call completed it; false when it was already completed (nothing changes).</returns>
    ValueTask<bool> CompleteAsync(WorkerId worker, long promise, ReadOnlyMemory<byte> value, DateTimeOffset wakeAt, CancellationToken cancellationToken = default);

    /// <summary>The completion value of the promise, or null while it is not completed.</summary>
    ValueTask<byte[]?> GetAsync(WorkerId worker, long promise, CancellationToken cancellationToken = default);
}
