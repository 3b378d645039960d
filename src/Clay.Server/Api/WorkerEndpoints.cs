using System.Text.Json;
using Clay.Cluster.Workers;
using Clay.Runtime;
using Clay.Runtime.Errors;
using Clay.Runtime.Oplog.Codec;
using Clay.Runtime.Storage;
using Clay.Runtime.Execution;
using Clay.Runtime.Values;
using Clay.Runtime.Wave;
using Clay.Server.Components;
using Clay.Server.Workers;

namespace Clay.Server.Api;

/// <summary>Routes under <c>/v1/components/{name}/workers</c>.</summary>
public static class WorkerEndpoints
{
    /// <summary>How long one grain call may wait for a result before the API asks again.</summary>
    private static readonly TimeSpan GrainWait = TimeSpan.FromSeconds(10);

    /// <summary>Maps the routes.</summary>
    public static void MapWorkerEndpoints(this IEndpointRouteBuilder app)
    {
        var workers = app.MapGroup("/v1/components/{component}/workers");
        workers.MapPost("", CreateAsync);
        workers.MapGet("", ListAsync);
        workers.MapGet("/{worker}", async (string component, string worker, WorkerDirectory directory, CancellationToken ct) =>
            await directory.GetAsync(Id(component, worker), ct));
        workers.MapDelete("/{worker}", DeleteAsync);
        workers.MapPost("/{worker}/invoke", InvokeAsync);
        workers.MapPost("/{worker}/evict", EvictAsync);
        workers.MapGet("/{worker}/oplog", OplogEndpoint.ReadAsync);
    }

    internal static WorkerId Id(string component, string worker) =>
        new(Names.ValidateComponent(Uri.UnescapeDataString(component)), Names.ValidateWorker(Uri.UnescapeDataString(worker)));

    private static async Task<IResult> CreateAsync(string component, CreateWorkerDto body, IGrainFactory grains, ComponentRegistry registry)
    {
        var id = Id(component, body.Name ?? "");
        registry.Get(id.Component);
        var reply = await grains.GetGrain<IWorkerGrain>(WorkerGrainKey.Of(id)).CreateAsync(new CreateWorkerRequest(
            body.Args ?? [], (body.Env ?? new Dictionary<string, string>()).ToList()));
        ThrowIfError(reply.Error);
        return Results.Created($"/v1/components/{Uri.EscapeDataString(id.Component)}/workers/{id.Worker}",
            WorkerDirectory.ToDto(ToInfo(reply.Worker!)));
    }

    private static async Task<WorkerListDto> ListAsync(string component, string[]? filter, int? count, string? cursor,
        WorkerDirectory directory, ComponentRegistry registry, CancellationToken ct)
    {
        var name = Names.ValidateComponent(Uri.UnescapeDataString(component));
        registry.Get(name);
        return await directory.ListAsync(name, filter ?? [], Math.Clamp(count ?? 50, 1, 10_000), cursor, ct);
    }

    /// <summary>
    /// Drops an idle worker from memory now, as the memory budget would (an operational endpoint:
    /// benchmarks and tests of cold starts use it). 409 when the worker is busy.
    /// </summary>
    private static async Task<IResult> EvictAsync(string component, string worker, IGrainFactory grains, IOplogStore store, CancellationToken ct)
    {
        var id = Id(component, worker);
        if (await store.GetLastIndexAsync(id, ct) == 0) throw new WorkerNotFoundException(id);
        var evicted = await grains.GetGrain<IWorkerGrain>(WorkerGrainKey.Of(id)).EvictAsync();
        return evicted
            ? Results.Ok(new { evicted = true })
            : ApiErrors.Result(ServerErrorCodes.WorkerBusy, $"worker {id} is running an invocation and stays in memory");
    }

    private static async Task<IResult> DeleteAsync(string component, string worker, IGrainFactory grains, WorkerQuota quota)
    {
        var id = Id(component, worker);
        var reply = await grains.GetGrain<IWorkerGrain>(WorkerGrainKey.Of(id)).DeleteAsync();
        ThrowIfError(reply.Error);
        quota.Release(id);
        return Results.NoContent();
    }

    private static async Task<InvokeResultDto> InvokeAsync(string component, string worker, InvokeDto body, IGrainFactory grains,
        ComponentRegistry registry, Hosting.ServerOptions options, CancellationToken ct)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var id = Id(component, worker);
        if (string.IsNullOrWhiteSpace(body.Function)) throw new ClayException(ServerErrorCodes.InvalidRequest, "the request names no function");
        var enqueue = body.Mode switch
        {
            null or "await" => false,
            "enqueue" => true,
            _ => throw new ClayException(ServerErrorCodes.InvalidRequest, $"unknown mode '{body.Mode}': use 'await' or 'enqueue'"),
        };
        var loaded = await registry.GetLatestAsync(id.Component, ct);
        var function = FunctionResolver.Resolve(id.Component, loaded.Model, body.Function);
        var arguments = ArgumentParser.Parse(function, body.Args ?? []);
        var request = new InvokeRequest(function.Name, ValueCodec.Encode(new Value.Tuple(arguments)),
            string.IsNullOrEmpty(body.IdempotencyKey) ? Guid.NewGuid().ToString() : body.IdempotencyKey, enqueue,
            options.InvocationTimeout < GrainWait ? options.InvocationTimeout : GrainWait);
        var grain = grains.GetGrain<IWorkerGrain>(WorkerGrainKey.Of(id));
        while (true)
        {
            var reply = await grain.InvokeAsync(request);
            switch (reply.State)
            {
                case InvocationState.Completed:
                    return new InvokeResultDto(reply.IdempotencyKey, function.Name, reply.Result is null ? null : ToResult(ValueCodec.Decode(reply.Result)));
                case InvocationState.Queued:
                    return new InvokeResultDto(reply.IdempotencyKey, function.Name, null);
                case InvocationState.Failed:
                    ThrowIfError(reply.Error);
                    break;
                case InvocationState.Running:
                    // Still running: ask again with the same key, which attaches to the same invocation.
                    ct.ThrowIfCancellationRequested();
                    if (System.Diagnostics.Stopwatch.GetElapsedTime(started) >= options.InvocationTimeout)
                    {
                        throw new ClayException(ErrorCodes.InvocationTimeout,
                            $"{function.Name} on worker {id} is still running after {options.InvocationTimeout} (--invocation-timeout); it goes on: call again with idempotency key {reply.IdempotencyKey} to get its result");
                    }
                    break;
            }
        }
    }

    private static ResultDto ToResult(Value value)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer)) ValueJson.Write(writer, value);
        using var json = JsonDocument.Parse(buffer.WrittenMemory);
        return new ResultDto(WavePrinter.Print(value), json.RootElement.Clone());
    }

    internal static void ThrowIfError(GrainError? error)
    {
        if (error is not null) throw new ClayException(error.Code, error.Message);
    }

    private static Runtime.Execution.WorkerInfo ToInfo(WorkerSummary s) => new(new WorkerId(s.Component, s.Name), s.ComponentVersion,
        s.ComponentSize, Enum.Parse<Runtime.Execution.WorkerStatus>(s.Status), s.CreatedAt, s.Arguments, s.Environment, s.PendingInvocations,
        s.RetryCount, s.LastError, s.OplogLength, s.MemoryAtStartup, s.MemoryNow, s.Resident);
}
