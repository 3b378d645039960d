namespace Clay.Cluster.Workers;

/// <summary>
/// One Clay worker as an Orleans grain, keyed <c>component/worker</c>. Orleans guarantees a single
/// activation; the oplog store's fencing backs that up. Calls are short: a long invocation returns
/// <see cref="InvocationState.Running"/> after <see cref="InvokeRequest.MaxWait"/> and the caller asks
/// again with the same idempotency key.
/// </summary>
public interface IWorkerGrain : IGrainWithStringKey
{
    /// <summary>Creates the worker; fails with <c>worker-already-exists</c> if it exists.</summary>
    Task<WorkerReply> CreateAsync(CreateWorkerRequest request);

    /// <summary>Invokes or enqueues a function, creating the worker on first use.</summary>
    Task<InvokeReply> InvokeAsync(InvokeRequest request);

    /// <summary>The worker's metadata.</summary>
    Task<WorkerReply> GetAsync();

    /// <summary>Stops the worker and deletes its oplog.</summary>
    Task<WorkerReply> DeleteAsync();

    /// <summary>Drops the worker from memory if it is idle; nothing is saved.</summary>
    Task<bool> EvictAsync();
}
