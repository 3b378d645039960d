using Clay.Cluster.Workers;
using Clay.Runtime;
using Clay.Runtime.Errors;
using Clay.Runtime.Execution;
using Clay.Runtime.Oplog.Display;
using Clay.Runtime.Residency;
using Clay.Runtime.Storage;
using Clay.Runtime.Workers;
using Clay.Server.Components;

namespace Clay.Server.Api;

/// <summary>
/// Routes under <c>/v1/components/{name}/workers</c>. Everything about one worker goes through its
/// grain; only listing, which spans workers, reads the store.
/// </summary>
public static class WorkerEndpoints
{
    /// <summary>How long one grain call may wait for a result before the API asks again.</summary>
    private static readonly TimeSpan GrainWait = TimeSpan.FromSeconds(10);

    /// <summary>How often an invocation refused by the oplog's fence is sent again before the error reaches the client.</summary>
    private const int MaxConflictRetries = 3;

    /// <summary>Maps the routes.</summary>
    public static void MapWorkerEndpoints(this IEndpointRouteBuilder app)
    {
        var workers = app.MapGroup("/v1/components/{component}/workers");
        workers.MapPost("", CreateAsync);
        workers.MapGet("", ListAsync);
        workers.MapGet("/{worker}", GetAsync);
        workers.MapDelete("/{worker}", DeleteAsync);
        // The invocation, the hot path, takes its services from the root provider: no request scope to
        // make. Its handler writes its answer and answers its errors itself (the error middleware lets it
        // through): one state machine per call, not one each for it, its result and the middleware.
        var services = app.ServiceProvider;
        var invoke = new Lazy<InvokeServices>(() => new(
            services.GetRequiredService<IGrainFactory>(), services.GetRequiredService<Hosting.ServerOptions>(),
            // The encoder the API's other responses use, so both read the same.
            services.GetService<Microsoft.Extensions.Options.IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>()?.Value.SerializerOptions.Encoder
                ?? System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
            services.GetRequiredService<ILogger<ErrorHandlingMiddleware>>()));
        workers.MapPost("/{worker}/invoke", (string component, string worker, HttpContext context) => InvokeAsync(component, worker, context, invoke.Value))
            .WithMetadata(AnswersItsErrors.Instance)
            .Accepts<InvokeDto>("application/json").Produces<InvokeResultDto>();
        workers.MapPost("/{worker}/evict", EvictAsync);
        workers.MapGet("/{worker}/oplog", ReadOplogAsync);
        workers.MapPost("/{worker}/promises/{promise}/complete", CompletePromiseAsync);
        workers.MapPost("/{worker}/resume", ResumeAsync);
        workers.MapGet("/{worker}/schedules", SchedulesAsync);
        workers.MapPost("/{worker}/interrupt", async (string component, string worker, bool? recoverImmediately, IGrainFactory grains) =>
            ToDto(await Grain(grains, Id(component, worker)).InterruptAsync(recoverImmediately ?? false)));
        workers.MapPost("/{worker}/simulate-crash", async (string component, string worker, IGrainFactory grains) =>
            ToDto(await Grain(grains, Id(component, worker)).InterruptAsync(recoverImmediately: true)));
        workers.MapPost("/{worker}/invocations/{key}/cancel", CancelAsync);
        workers.MapPost("/{worker}/revert", RevertAsync);
        workers.MapPost("/{worker}/fork", ForkAsync);
        workers.MapPost("/{worker}/update", UpdateAsync);
    }

    private static async Task<WorkerDto> UpdateAsync(string component, string worker, UpdateWorkerDto body, IGrainFactory grains)
    {
        var id = Id(component, worker);
        if (body.TargetVersion is not { } target) throw new ClayException(ServerErrorCodes.InvalidRequest, "the update names no target version");
        var manual = body.Mode switch
        {
            null or "auto" => false,
            "manual" => true,
            _ => throw new ClayException(ErrorCodes.InvalidUpdateMode, $"update mode '{body.Mode}' is not known: use auto or manual"),
        };
        return ToDto(await Grain(grains, id).UpdateAsync(target, manual));
    }

    private static async Task<WorkerDto> RevertAsync(string component, string worker, RevertDto body, IGrainFactory grains)
    {
        var id = Id(component, worker);
        switch (body)
        {
            case { LastOplogIndex: not null, NumberOfInvocations: not null } or { LastOplogIndex: null, NumberOfInvocations: null }:
                throw new ClayException(ServerErrorCodes.InvalidRequest, "a revert names exactly one target: lastOplogIndex or numberOfInvocations");
            case { NumberOfInvocations: < 1 }:
                throw new ClayException(ErrorCodes.InvocationCountOutOfRange, $"--number-of-invocations {body.NumberOfInvocations}: at least one invocation is reverted");
            case { LastOplogIndex: < 1 }:
                throw new ClayException(ErrorCodes.OplogIndexOutOfRange, $"--last-oplog-index {body.LastOplogIndex} is out of range: oplog indexes start at 1");
        }
        return ToDto(await Grain(grains, id).RevertAsync(body.LastOplogIndex ?? 0, body.NumberOfInvocations ?? 0));
    }

    private static async Task<IResult> ForkAsync(string component, string worker, ForkDto body, IGrainFactory grains)
    {
        var source = Id(component, worker);
        if (string.IsNullOrEmpty(body.Target)) throw new ClayException(ServerErrorCodes.InvalidRequest, "the fork names no target worker");
        if (body.OplogIndex is not { } index) throw new ClayException(ServerErrorCodes.InvalidRequest, "the fork names no oplog index to copy up to");
        var target = new WorkerId(source.Component, Names.ValidateWorker(body.Target));
        var info = await Grain(grains, target).ForkFromAsync(source.Component, source.Worker, index);
        return Results.Created($"/v1/components/{Uri.EscapeDataString(target.Component)}/workers/{target.Worker}", ToDto(info));
    }

    private static async Task<ScheduleListDto> SchedulesAsync(string component, string worker, IGrainFactory grains) =>
        new([.. (await Grain(grains, Id(component, worker)).GetSchedulesAsync()).Select(s => new ScheduleDto(s.IdempotencyKey, s.Function, s.WaveArguments, s.DueAt))]);

    private static async Task<CancelledDto> CancelAsync(string component, string worker, string key, IGrainFactory grains)
    {
        var idempotencyKey = Uri.UnescapeDataString(key);
        await Grain(grains, Id(component, worker)).CancelInvocationAsync(idempotencyKey);
        return new CancelledDto(idempotencyKey);
    }

    private static async Task<PromiseCompletedDto> CompletePromiseAsync(string component, string worker, string promise, CompletePromiseDto body,
        IGrainFactory grains)
    {
        var id = Id(component, worker);
        if (!long.TryParse(promise, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var number) || number < 1)
        {
            throw new ClayException(ErrorCodes.PromiseNotFound, $"'{promise}' is not a promise id: ids are positive numbers, as the worker got them from CreatePromise");
        }
        if (body.Value is null) throw new ClayException(ServerErrorCodes.InvalidRequest, "the request gives no value to complete the promise with");
        await Grain(grains, id).CompletePromiseAsync(number, body.Value);
        return new PromiseCompletedDto(id.Component, id.Worker, number);
    }

    private static async Task<WorkerDto> ResumeAsync(string component, string worker, IGrainFactory grains) =>
        ToDto(await Grain(grains, Id(component, worker)).ResumeAsync());

    internal static WorkerId Id(string component, string worker) =>
        new(Names.ValidateComponent(Uri.UnescapeDataString(component)), Names.ValidateWorker(Uri.UnescapeDataString(worker)));

    private static IWorkerGrain Grain(IGrainFactory grains, WorkerId id) => grains.Worker(id);

    private static async Task<IResult> CreateAsync(string component, CreateWorkerDto body, IGrainFactory grains, ComponentRegistry registry)
    {
        var id = Id(component, body.Name ?? "");
        await registry.GetAsync(id.Component, null, CancellationToken.None);
        var info = await Grain(grains, id).CreateAsync(new WorkerCreation(body.Args ?? [], (body.Env ?? new Dictionary<string, string>()).ToList()));
        return Results.Created($"/v1/components/{Uri.EscapeDataString(id.Component)}/workers/{id.Worker}", ToDto(info));
    }

    private static async Task<WorkerDto> GetAsync(string component, string worker, IGrainFactory grains)
    {
        var details = await Grain(grains, Id(component, worker)).GetDetailsAsync();
        return ToDto(details.Info) with
        {
            Updates = [.. details.Updates.Select(u => new WorkerUpdateDto(u.TargetVersion, u.Mode, u.Outcome, u.RequestedAt, u.FinishedAt, u.Detail))],
        };
    }

    private static async Task<WorkerListDto> ListAsync(string component, string[]? filter, int? count, string? cursor, bool? precise,
        IOplogStore store, ResidentWorkers residency, ComponentRegistry registry, Cluster.ClusterNodes nodes, IGrainFactory grains, CancellationToken ct)
    {
        var name = Names.ValidateComponent(Uri.UnescapeDataString(component));
        await registry.GetAsync(name, null, ct);
        var size = Math.Clamp(count ?? 50, 1, 10_000);
        if (precise == true)
        {
            // Each worker through its grain, as 'worker get' asks: the node that owns it, its component host,
            // a quarantine, and the memory figures; a worker out of memory stays out of memory.
            var asked = await WorkerListing.ListAsync(store, residency, name, filter ?? [], size, cursor, null,
                async (id, _) => await Grain(grains, id).GetAsync(), ct);
            return new WorkerListDto(asked.Workers.Select(ToDto).ToList(), asked.Cursor);
        }
        // A worker in another node's memory is shown as that node sees it.
        var elsewhere = await nodes.ResidentAsync(name);
        var page = await WorkerListing.ListAsync(store, residency, name, filter ?? [], size, cursor, elsewhere, ct);
        return new WorkerListDto(page.Workers.Select(ToDto).ToList(), page.Cursor);
    }

    /// <summary>A page of the oplog; with <c>encoded=true</c> (an export) every entry, each with its encoded bytes.</summary>
    private static async Task<OplogPageDto> ReadOplogAsync(string component, string worker, long? from, int? count, string? query, bool? encoded,
        IGrainFactory grains)
    {
        var grain = Grain(grains, Id(component, worker));
        var start = Math.Max(1, from ?? 1);
        var size = Math.Clamp(count ?? 1000, 1, 10_000);
        if (encoded == true && !string.IsNullOrWhiteSpace(query))
        {
            throw new ClayException(ErrorCodes.InvalidOplogQuery, "an export (encoded=true) holds the whole oplog and takes no query");
        }
        var page = encoded == true ? await grain.ExportOplogAsync(start, size) : await grain.ReadOplogAsync(start, size, query);
        return new OplogPageDto(page.Entries.Select(ToDto).ToList(), page.Next);
    }

    /// <summary>
    /// Drops an idle worker from memory now, as the memory budget would (an operational endpoint:
    /// benchmarks and tests of cold starts use it). 409 when the worker is busy.
    /// </summary>
    private static async Task<IResult> EvictAsync(string component, string worker, IGrainFactory grains)
    {
        var id = Id(component, worker);
        return await Grain(grains, id).EvictAsync()
            ? Results.Ok(new { evicted = true })
            : ApiErrors.Result(ServerErrorCodes.WorkerBusy, $"worker {id} is running an invocation and stays in memory");
    }

    private static async Task<IResult> DeleteAsync(string component, string worker, IGrainFactory grains)
    {
        await Grain(grains, Id(component, worker)).DeleteAsync();
        return Results.NoContent();
    }

    /// <summary>What the invocation endpoint needs, from the root provider.</summary>
    private sealed record InvokeServices(IGrainFactory Grains, Hosting.ServerOptions Options,
        System.Text.Encodings.Web.JavaScriptEncoder Encoder, ILogger Logger);

    private static async Task InvokeAsync(string component, string worker, HttpContext context, InvokeServices services)
    {
        // One method from the body to the answer: each await of the hot path in a method of its own would be one more state machine per call.
        try
        {
            var http = context.Request;
            var ct = context.RequestAborted;
            var options = services.Options;
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            var body = await JsonBody.ReadAsync(http, JsonBody.ParseInvoke, ct);
            var id = Id(component, worker);
            if (string.IsNullOrWhiteSpace(body.Function)) throw new ClayException(ServerErrorCodes.InvalidRequest, "the request names no function");
            var enqueue = body.Mode switch
            {
                null => body.ScheduleAt is not null,
                "await" when body.ScheduleAt is not null => throw new ClayException(ServerErrorCodes.InvalidRequest, "a scheduled invocation cannot be awaited: leave out the mode, or use 'enqueue'"),
                "await" => false,
                "enqueue" => true,
                _ => throw new ClayException(ServerErrorCodes.InvalidRequest, $"unknown mode '{body.Mode}': use 'await' or 'enqueue'"),
            };
            // The function is resolved and the arguments typed behind the grain, against the worker's own version.
            var request = new InvokeRequest(body.Function, body.Args ?? [], null,
                string.IsNullOrEmpty(body.IdempotencyKey) ? Runtime.Execution.FreshKeys.Next() : body.IdempotencyKey, enqueue,
                options.InvocationTimeout < GrainWait ? options.InvocationTimeout : GrainWait) { ScheduleAt = body.ScheduleAt };
            var grain = Grain(services.Grains, id);
            var conflicts = 0;
            while (true)
            {
                InvokeReply reply;
                try
                {
                    reply = await grain.InvokeAsync(request);
                }
                catch (ClayException ex) when (ex.Code == ErrorCodes.OplogConflict && ++conflicts <= MaxConflictRetries)
                {
                    // A stale activation lost the oplog's fence and deactivated: nothing of this invocation
                    // was written, so it is sent again (same key), and Orleans routes it to the owner.
                    continue;
                }
                if (reply.State != InvocationState.Running)
                {
                    await new InvocationResultJson(reply, services.Encoder).ExecuteAsync(context);
                    return;
                }
                // Still running: ask again with the same key, which attaches to the same invocation.
                ct.ThrowIfCancellationRequested();
                if (System.Diagnostics.Stopwatch.GetElapsedTime(started) >= options.InvocationTimeout)
                {
                    throw new ClayException(ErrorCodes.InvocationTimeout,
                        $"{reply.Function} on worker {id} is still running after {options.InvocationTimeout} (--invocation-timeout); it goes on: call again with idempotency key {reply.IdempotencyKey} to get its result");
                }
            }
        }
        catch (Exception ex) when (!context.Response.HasStarted)
        {
            await ErrorHandlingMiddleware.AnswerAsync(context, ex, services.Logger);
        }
    }

    /// <summary>The API's view of a worker.</summary>
    public static WorkerDto ToDto(WorkerInfo info)
    {
        ArgumentNullException.ThrowIfNull(info);
        return new WorkerDto(info.Id.Component, info.Id.Worker, info.ComponentVersion, info.ComponentSize,
            info.Status.ToString(), info.CreatedAt, info.Arguments,
            info.Environment.GroupBy(p => p.Key).ToDictionary(g => g.Key, g => g.Last().Value, StringComparer.Ordinal),
            info.MemoryAtStartup, info.MemoryNow, info.PendingInvocations, info.RetryCount, info.LastError, info.OplogLength, info.Resident);
    }

    private static OplogEntryDto ToDto(OplogPageEntry entry) => new(entry.Index, entry.Timestamp, entry.Kind,
        entry.Fields.Select(f => (IReadOnlyList<string>)[f.Name, f.Value]).ToList(),
        entry.Encoded.IsEmpty ? null : Convert.ToBase64String(entry.Encoded.Span));
}
