using Clay.Runtime.Errors;
using Clay.Runtime.Execution;
using Clay.Runtime.Oplog;
using Clay.Runtime.Storage;

namespace Clay.Runtime.Hosting;

/// <summary>Checks on promises made from the outside, before anything is stored.</summary>
internal static class Promises
{
    /// <summary>Fails unless entry <paramref name="promise"/> of the worker's oplog is a promise's creation.</summary>
    public static async Task CheckCreatedAsync(IOplogStore store, WorkerId worker, long promise, CancellationToken cancellationToken)
    {
        var last = await store.GetLastIndexAsync(worker, cancellationToken);
        if (last == 0) throw new WorkerNotFoundException(worker);
        if (promise >= 1 && promise <= last)
        {
            await foreach (var stored in store.ReadAsync(worker, promise, promise, cancellationToken))
            {
                if (RecoveryWindow.Decode(worker, stored) is OplogEntry.ImportedFunctionInvoked { FunctionName: DurableWorkerContext.PromiseCreate }) return;
            }
        }
        throw new ClayException(ErrorCodes.PromiseNotFound, $"worker {worker} has no promise {promise}: a promise's id is the number its worker got from CreatePromise");
    }
}
