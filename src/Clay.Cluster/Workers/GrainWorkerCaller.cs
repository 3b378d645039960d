using Clay.Runtime;
using Clay.Runtime.Execution;
using Clay.Runtime.Values;

namespace Clay.Cluster.Workers;

/// <summary>Worker-to-worker calls through the callee's grain, wherever in the cluster it lives.</summary>
/// <param name="grains">The grain factory.</param>
public sealed class GrainWorkerCaller(IGrainFactory grains) : IWorkerCaller
{
    private static readonly TimeSpan GrainWait = TimeSpan.FromSeconds(10);

    /// <inheritdoc/>
    public async Task<Value?> InvokeAsync(WorkerId target, WorkerCall call, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(call);
        var grain = grains.Worker(target);
        var request = Request(call, enqueue: false);
        while (true)
        {
            // A long call answers "running" every so often; asking again with the key attaches to it.
            var reply = await grain.InvokeAsync(request).WaitAsync(cancellationToken).ConfigureAwait(false);
            if (reply.State != InvocationState.Running) return reply.Result;
        }
    }

    /// <inheritdoc/>
    public async Task EnqueueAsync(WorkerId target, WorkerCall call, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(call);
        await grains.Worker(target).InvokeAsync(Request(call, enqueue: true)).WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    private static InvokeRequest Request(WorkerCall call, bool enqueue) =>
        new(call.Function, call.WaveArguments, null, call.IdempotencyKey, enqueue, GrainWait) { CallChain = call.CallChain, ScheduleAt = call.ScheduleAt };
}
