using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Clay.Cluster.Workers;
using Clay.Runtime;
using Clay.Runtime.Errors;
using Clay.Runtime.History;
using Clay.Server.Components;
using Clay.Server.Logs;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core.Features;

namespace Clay.Server.Api;

/// <summary>
/// <c>GET /v1/components/{component}/workers/{worker}/logs</c>: the worker's log lines as they are
/// written, as server-sent events. Each line is an event <c>log</c> whose id is the line's oplog
/// index; a client that reconnects with <c>Last-Event-ID</c> (or <c>?after=N</c>) first gets the
/// lines after that index — from the oplog, and from memory for lines not yet durable — then the
/// live ones, never one twice. Without either, the stream starts with the next line written.
/// </summary>
/// <remarks>
/// <code>
/// retry: 2000
///
/// id: 17
/// event: log
/// data: {"index":17,"timestamp":"…","level":"info","context":"","message":"Adding item p1"}
///
/// event: overflow          (the reader fell behind by more than the server buffers; the stream ends)
/// data: {"after":17,"message":"…"}
/// </code>
/// </remarks>
public static class LogStreamEndpoint
{
    private static readonly TimeSpan KeepAlive = TimeSpan.FromSeconds(15);

    /// <summary>When a resumed stream reads the oplog again for lines that were committing as it began (see the loop); then as often as the last.</summary>
    private static readonly TimeSpan[] CatchUps = [TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(400), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(3)];
    /// <summary>Oplog entries read per call to the grain while catching up.</summary>
    private const int DurablePage = 10_000;
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Maps the route.</summary>
    public static void MapLogStreamEndpoint(this IEndpointRouteBuilder app) =>
        app.MapGet("/v1/components/{component}/workers/{worker}/logs", StreamAsync);

    private static async Task StreamAsync(HttpContext http, string component, string worker, long? after,
        ComponentRegistry registry, IGrainFactory grains, WorkerLogBroadcaster broadcaster, IHostApplicationLifetime lifetime, CancellationToken requestAborted)
    {
        // A stopping server ends its streams at once instead of waiting for them until its shutdown
        // timeout: readers reconnect with their cursor to the next server.
        using var ending = CancellationTokenSource.CreateLinkedTokenSource(requestAborted, lifetime.ApplicationStopping);
        try
        {
            await WriteStreamAsync(http, component, worker, after, registry, grains, broadcaster, ending.Token);
        }
        catch (OperationCanceledException) when (ending.IsCancellationRequested && http.Response.HasStarted)
        {
            // The reader left or the server stops: the stream just ends.
        }
    }

    private static async Task WriteStreamAsync(HttpContext http, string component, string worker, long? after,
        ComponentRegistry registry, IGrainFactory grains, WorkerLogBroadcaster broadcaster, CancellationToken ct)
    {
        var id = WorkerEndpoints.Id(component, worker);
        var grain = grains.Worker(id);
        registry.Get(id.Component);
        var resume = ResumePoint(http.Request, after);

        // Subscribe before reading the oplog, so no line falls between the two.
        using var subscription = broadcaster.Subscribe(id, resume ?? long.MaxValue, out var forgotten);
        http.Response.ContentType = "text/event-stream";
        http.Response.Headers.CacheControl = "no-cache";
        http.Response.Headers["X-Accel-Buffering"] = "no";
        http.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        // A reader that pauses is handled by its bounded buffer, not by Kestrel cutting the connection.
        if (http.Features.Get<IHttpMinResponseDataRateFeature>() is { } rate) rate.MinDataRate = null;
        var output = http.Response.Body;
        await WriteAsync(output, "retry: 2000\n\n", ct);
        // The headers go out now: a client that waits for them before it starts the invocation it
        // wants to watch knows the subscription exists.
        await output.FlushAsync(ct);

        var sent = resume ?? 0;
        var scanned = sent;
        if (resume is { } from)
        {
            var backlog = new SortedDictionary<long, WorkerLogLine>();
            var durable = await ReadDurableAsync(grain, from, backlog, ct);
            scanned = durable;
            foreach (var line in subscription.Recent) backlog.TryAdd(line.OplogIndex, line);
            if (forgotten > from && forgotten > durable)
            {
                await WriteEventAsync(output, null, "gap", new
                {
                    after = Math.Max(from, durable),
                    through = forgotten,
                    message = $"log lines after index {Math.Max(from, durable)} up to {forgotten} were written but are neither durable yet nor still held by the server; they will be in the oplog once the worker commits",
                }, ct);
            }
            sent = await WriteLinesAsync(output, backlog, sent, ct);
            await output.FlushAsync(ct);
        }

        var reader = subscription.Lines;
        Task<bool>? waiting = null;
        Task? tick = null;
        // A line the worker wrote before this subscription, in a commit not yet durable when the oplog was
        // read above, reached no reader: a worker nobody watched had no topic to hold it. Until a line
        // comes live, the oplog is read again — soon, then every few seconds, each time from where the
        // last read ended — so such a line is shown once its commit lands, however long that takes.
        var catchingUp = resume is not null;
        var catchUps = 0;
        var lastWrite = Stopwatch.GetTimestamp();
        while (!ct.IsCancellationRequested)
        {
            waiting ??= reader.WaitToReadAsync(ct).AsTask();
            tick ??= Task.Delay(catchingUp ? CatchUps[Math.Min(catchUps, CatchUps.Length - 1)] : KeepAlive, ct);
            if (await Task.WhenAny(waiting, tick) == tick)
            {
                tick = null;
                if (ct.IsCancellationRequested) break;
                if (catchingUp)
                {
                    catchUps++;
                    var landed = new SortedDictionary<long, WorkerLogLine>();
                    // Only lines after both what was sent and what was read: nothing before them can become durable later.
                    scanned = await ReadDurableAsync(grain, Math.Max(sent, scanned), landed, ct);
                    if (landed.Count > 0) lastWrite = Stopwatch.GetTimestamp();
                    sent = await WriteLinesAsync(output, landed, sent, ct);
                }
                if (!catchingUp || Stopwatch.GetElapsedTime(lastWrite) >= KeepAlive)
                {
                    await WriteAsync(output, ": keep-alive\n\n", ct);
                    lastWrite = Stopwatch.GetTimestamp();
                }
                await output.FlushAsync(ct);
                continue;
            }
            var more = await waiting;
            waiting = null;
            if (!more) break;
            while (reader.TryRead(out var line))
            {
                if (line.OplogIndex <= sent) continue;
                await WriteLineAsync(output, line, ct);
                sent = line.OplogIndex;
                lastWrite = Stopwatch.GetTimestamp();
                // Lines come live from here on, in order: a read of the oplog could only repeat or reorder them.
                catchingUp = false;
            }
            await output.FlushAsync(ct);
        }

        if (subscription.Overflowed && !ct.IsCancellationRequested)
        {
            await WriteEventAsync(output, null, "overflow", new
            {
                after = sent,
                message = $"this reader fell more than {broadcaster.ReaderBuffer} lines behind and was dropped; reconnect with Last-Event-ID: {sent} to continue from the oplog",
            }, ct);
            await output.FlushAsync(ct);
        }
    }

    /// <summary>The index after which to resume: the <c>Last-Event-ID</c> header wins over <c>?after=</c>.</summary>
    private static long? ResumePoint(HttpRequest request, long? after)
    {
        var header = request.Headers["Last-Event-ID"].ToString();
        if (header.Length == 0) return after is null ? null : Math.Max(0, after.Value);
        return long.TryParse(header, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var index)
            ? index
            : throw new ClayException(ServerErrorCodes.InvalidRequest, $"Last-Event-ID '{header}' is not an oplog index (a whole number)");
    }

    /// <summary>Adds the durable log lines after <paramref name="from"/>, read through the worker's grain; returns the last durable index.</summary>
    private static async Task<long> ReadDurableAsync(IWorkerGrain grain, long from, SortedDictionary<long, WorkerLogLine> into, CancellationToken ct)
    {
        var last = from;
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            var page = await grain.ReadLogsAsync(last, DurablePage);
            foreach (var line in page.Lines) into[line.OplogIndex] = line;
            last = page.Last;
            if (!page.More) return last;
        }
    }

    /// <summary>Writes <paramref name="lines"/> in index order; returns the index of the last one, or <paramref name="sent"/> when there are none.</summary>
    private static async Task<long> WriteLinesAsync(Stream output, SortedDictionary<long, WorkerLogLine> lines, long sent, CancellationToken ct)
    {
        foreach (var (index, line) in lines)
        {
            await WriteLineAsync(output, line, ct);
            sent = index;
        }
        return sent;
    }

    private static Task WriteLineAsync(Stream output, WorkerLogLine line, CancellationToken ct) =>
        WriteEventAsync(output, line.OplogIndex, "log", new
        {
            index = line.OplogIndex,
            timestamp = line.Timestamp,
            level = line.Level.ToString().ToLowerInvariant(),
            context = line.Context,
            message = line.Message,
        }, ct);

    private static Task WriteEventAsync(Stream output, long? id, string name, object data, CancellationToken ct)
    {
        var text = new StringBuilder();
        if (id is { } index) text.Append("id: ").Append(index).Append('\n');
        text.Append("event: ").Append(name).Append('\n');
        // JSON has no raw newlines, so the data is always one line.
        text.Append("data: ").Append(JsonSerializer.Serialize(data, Json)).Append("\n\n");
        return WriteAsync(output, text.ToString(), ct);
    }

    private static async Task WriteAsync(Stream output, string text, CancellationToken ct) =>
        await output.WriteAsync(Encoding.UTF8.GetBytes(text), ct);
}
