using Clay.Runtime.Execution;
using Clay.Runtime.Values;

namespace Clay.Runtime.Hosting;

/// <summary>Worker-to-worker calls within one process: straight through the callee's door.</summary>
/// <param name="door">The door to a worker.</param>
public sealed class ActivationCaller(Func<WorkerId, WorkerActivation> door) : IWorkerCaller
{
    /// <inheritdoc/>
    public async Task<Value?> InvokeAsync(WorkerId target, WorkerCall call, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(call);
        while (true)
        {
            try
            {
                return (await door(target).InvokeAsync(call.ToRequest(), cancellationToken).ConfigureAwait(false)).Result;
            }
            catch (WorkerSuspendedException)
            {
                // The callee waits out of memory or retries: asking again with the key joins its invocation.
                await Task.Yield();
            }
        }
    }

    /// <inheritdoc/>
    public async Task EnqueueAsync(WorkerId target, WorkerCall call, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(call);
        await door(target).EnqueueAsync(call.ToRequest(), cancellationToken).ConfigureAwait(false);
    }
}
