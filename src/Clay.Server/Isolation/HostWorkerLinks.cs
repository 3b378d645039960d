using Clay.Cluster.Hosts;
using Clay.Runtime;
using Clay.Runtime.Execution;
using Clay.Runtime.Values;

namespace Clay.Server.Isolation;

/// <summary>
/// How workers in a component host reach what only the server has: other workers (every worker's
/// door is the server's) and the wake-up clock of workers waiting out of memory.
/// </summary>
internal sealed class HostWorkerLinks(HostChannel channel) : IWorkerCaller, IWorkerWakeUps
{
    /// <inheritdoc/>
    public async Task<Value?> InvokeAsync(WorkerId target, WorkerCall call, CancellationToken cancellationToken) =>
        ((WorkerCallResult)(await channel.CallAsync(ToMessage(target, call, enqueue: false), cancellationToken))!).Result;

    /// <inheritdoc/>
    public async Task EnqueueAsync(WorkerId target, WorkerCall call, CancellationToken cancellationToken) =>
        await channel.CallAsync(ToMessage(target, call, enqueue: true), cancellationToken);

    /// <inheritdoc/>
    public void WakeAt(WorkerId worker, DateTimeOffset at) => channel.Notify(new HostWakeAt(worker.Component, worker.Worker, at));

    private static WorkerCallCall ToMessage(WorkerId target, WorkerCall call, bool enqueue)
    {
        ArgumentNullException.ThrowIfNull(call);
        return new WorkerCallCall(target.Component, target.Worker, call.Function, [.. call.WaveArguments], call.IdempotencyKey, [.. call.CallChain],
            call.ScheduleAt, enqueue);
    }
}
