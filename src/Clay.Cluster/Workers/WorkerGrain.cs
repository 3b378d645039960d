using Clay.Runtime;
using Clay.Runtime.Errors;
using Clay.Runtime.Execution;
using Clay.Runtime.Oplog.Codec;
using Clay.Runtime.Storage;
using Clay.Runtime.Values;
using Microsoft.Extensions.Logging;
using Orleans.Concurrency;

namespace Clay.Cluster.Workers;

/// <summary>
/// Hosts one <see cref="WorkerExecutor"/>. The grain is reentrant: the executor queues invocations
/// and runs them one at a time itself, so a call waiting for its result must not block the others.
/// </summary>
[Reentrant]
public sealed class WorkerGrain(IComponentCatalog catalog, IOplogStore store, WorkerExecutorOptions options, ResidentWorkers resident,
    ClayMetrics metrics, ILogger<WorkerGrain> logger)
    : Grain, IWorkerGrain
{
    private WorkerExecutor? _executor;
    private Task<WorkerExecutor>? _opening;

    private WorkerId Id => WorkerGrainKey.Parse(this.GetPrimaryKeyString());

    /// <inheritdoc/>
    public async Task<WorkerReply> CreateAsync(CreateWorkerRequest request)
    {
        try
        {
            if (_executor is not null || await store.GetLastIndexAsync(Id) > 0) throw new WorkerAlreadyExistsException(Id);
            var executor = await OpenAsync(new WorkerCreation(request.Arguments, request.Environment));
            return new WorkerReply(Summarize(executor.GetInfo()), null);
        }
        catch (Exception ex)
        {
            return new WorkerReply(null, ToError(ex));
        }
    }

    /// <inheritdoc/>
    public async Task<InvokeReply> InvokeAsync(InvokeRequest request)
    {
        try
        {
            var executor = await OpenAsync(WorkerCreation.OnFirstInvocation);
            resident.Touch(Id);
            var arguments = ((Value.Tuple)ValueCodec.Decode(request.Arguments)).Items.AsImmutableArray();
            if (request.Enqueue)
            {
                var key = await executor.EnqueueAsync(request.Function, arguments, request.IdempotencyKey);
                return new InvokeReply(InvocationState.Queued, key, null, null);
            }
            var invocation = executor.InvokeAsync(request.Function, arguments, request.IdempotencyKey);
            InvocationResult result;
            try
            {
                result = await invocation.WaitAsync(request.MaxWait);
            }
            catch (TimeoutException) when (!invocation.IsCompleted)
            {
                return new InvokeReply(InvocationState.Running, request.IdempotencyKey, null, null);
            }
            return new InvokeReply(InvocationState.Completed, result.IdempotencyKey,
                result.Result is null ? null : ValueCodec.Encode(result.Result), null);
        }
        catch (Exception ex)
        {
            return new InvokeReply(InvocationState.Failed, request.IdempotencyKey, null, ToError(ex));
        }
    }

    /// <inheritdoc/>
    public async Task<WorkerReply> GetAsync()
    {
        try
        {
            var executor = await OpenAsync(creation: null);
            return new WorkerReply(Summarize(executor.GetInfo()), null);
        }
        catch (Exception ex)
        {
            return new WorkerReply(null, ToError(ex));
        }
    }

    /// <inheritdoc/>
    public async Task<WorkerReply> DeleteAsync()
    {
        try
        {
            if (_executor is null && await store.GetLastIndexAsync(Id) == 0) throw new WorkerNotFoundException(Id);
            await CloseAsync();
            await store.DeleteAsync(Id);
            resident.Forget(Id);
            DeactivateOnIdle();
            return new WorkerReply(null, null);
        }
        catch (Exception ex)
        {
            return new WorkerReply(null, ToError(ex));
        }
    }

    /// <inheritdoc/>
    public async Task<bool> EvictAsync()
    {
        if (_executor is { IsBusy: true }) return false;
        await CloseAsync();
        DeactivateOnIdle();
        return true;
    }

    /// <inheritdoc/>
    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        await CloseAsync();
        await base.OnDeactivateAsync(reason, cancellationToken);
    }

    private async Task<WorkerExecutor> OpenAsync(WorkerCreation? creation)
    {
        if (_executor is { IsBroken: true }) await CloseAsync();
        if (_executor is not null) return _executor;
        // Reentrant calls share one recovery.
        _opening ??= OpenTimedAsync(creation);
        try
        {
            _executor = await _opening;
            resident.Add(_executor);
            return _executor;
        }
        finally
        {
            _opening = null;
        }
    }

    private async Task<WorkerExecutor> OpenTimedAsync(WorkerCreation? creation)
    {
        var recovering = await store.GetLastIndexAsync(Id) > 0;
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var executor = await WorkerExecutor.OpenAsync(Id, creation, catalog, store, options);
        if (recovering) metrics.Recovered(System.Diagnostics.Stopwatch.GetElapsedTime(started));
        return executor;
    }

    private async Task CloseAsync()
    {
        var executor = _executor;
        _executor = null;
        if (executor is null) return;
        resident.Remove(executor);
        await executor.DisposeAsync();
    }

    private GrainError ToError(Exception ex)
    {
        if (ex is ClayException clay) return new GrainError(clay.Code, clay.Message);
        logger.LogError(ex, "Unexpected failure in worker {Worker}", Id);
        return new GrainError("internal-error", $"{ex.GetType().Name}: {ex.Message}");
    }

    private static WorkerSummary Summarize(WorkerInfo info) => new(info.Id.Component, info.Id.Worker, info.ComponentVersion, info.ComponentSize,
        info.Status.ToString(), info.CreatedAt, info.Arguments, info.Environment, info.PendingInvocations, info.RetryCount, info.LastError,
        info.OplogLength, info.MemoryAtStartup, info.MemoryNow, info.Resident);
}
