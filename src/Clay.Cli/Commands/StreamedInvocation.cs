using Clay.Cli.Output;
using Clay.Client;
using Clay.Client.Contracts;
using Clay.Client.Logs;

namespace Clay.Cli.Commands;

/// <summary>
/// <c>clay worker invoke … --stream</c>: the worker's log lines on stderr while the invocation runs,
/// then its result as usual on stdout. The stream is opened before the invocation is sent, resuming
/// after the worker's last oplog index, so the first lines cannot be missed; once the answer is in,
/// the invocation's lines are durable, and any the live stream had not delivered yet are read from
/// the oplog — each line is shown once.
/// </summary>
internal static class StreamedInvocation
{
    /// <summary>Runs <paramref name="invocation"/> and shows its lines; returns its answer.</summary>
    public static async Task<InvokeResultDto> RunAsync(ClayClient client, string component, string worker, InvokeDto invocation,
        LogStreamOptions options, CancellationToken ct)
    {
        long start;
        try
        {
            start = (await client.GetWorkerAsync(component, worker, ct)).OplogLength;
        }
        catch (ClayApiException ex) when (ex.Code == "worker-not-found")
        {
            // The invocation creates it: every line it will write comes after index 0.
            start = 0;
        }
        var items = new StreamItemWriter(OutputFormat.Text, CliConsole.Error);
        await using var stream = await client.OpenLogStreamAsync(component, worker, start, options, ct);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var pump = PumpAsync(stream, items, stop.Token);
        InvokeResultDto reply;
        try
        {
            reply = await client.InvokeAsync(component, worker, invocation, ct);
        }
        catch (ClayApiException failed) when (failed.Code != ClientErrorCodes.ServerUnreachable)
        {
            // A failed invocation's lines say why: show them before its error.
            await stop.CancelAsync();
            await pump;
            await TryShowDurableLinesAsync(client, component, worker, stream.Position ?? start, items, ct);
            throw;
        }
        finally
        {
            await stop.CancelAsync();
            await pump;
        }
        await ShowDurableLinesAsync(client, component, worker, stream.Position ?? start, items, ct);
        return reply;
    }

    private static async Task TryShowDurableLinesAsync(ClayClient client, string component, string worker, long after, StreamItemWriter items,
        CancellationToken ct)
    {
        try
        {
            await ShowDurableLinesAsync(client, component, worker, after, items, ct);
        }
        catch (ClayApiException)
        {
            // The invocation's own error is the one to report.
        }
    }

    private static async Task PumpAsync(WorkerLogStream stream, StreamItemWriter items, CancellationToken ct)
    {
        try
        {
            while (true) WorkerStreamCommands.Print(await stream.ReadAsync(ct), items, CliConsole.Error);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The invocation answered (or failed): what is left comes from the oplog.
        }
        catch (ClayApiException ex)
        {
            // The result matters more than the lines: say what happened and let the invocation finish.
            CliConsole.Error.WriteLine($"note: the log stream ended ({ex.Code}: {ex.Message})");
        }
    }

    /// <summary>Shows the log entries after <paramref name="after"/> that are durable now.</summary>
    private static async Task ShowDurableLinesAsync(ClayClient client, string component, string worker, long after, StreamItemWriter items,
        CancellationToken ct)
    {
        await foreach (var entry in ReadAfterAsync(client, component, worker, after, ct))
        {
            if (entry.Kind != "log") continue;
            var line = LineOf(entry);
            items.Write(line, ClayJsonContext.Default.LogLineDto, o => o.WriteLine(StreamItemWriter.Text(line)));
        }
    }

    private static async IAsyncEnumerable<OplogEntryDto> ReadAfterAsync(ClayClient client, string component, string worker, long after,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        long? from = after + 1;
        do
        {
            var page = await client.GetOplogAsync(component, worker, from, 1000, "kind:log", ct);
            foreach (var entry in page.Entries) yield return entry;
            from = page.Next;
        }
        while (from is not null);
    }

    /// <summary>The log line an oplog <c>log</c> entry displays (fields <c>level</c>, <c>context</c> when set, <c>message</c>).</summary>
    internal static LogLineDto LineOf(OplogEntryDto entry)
    {
        string Field(string name) => entry.Fields.FirstOrDefault(f => f.Count == 2 && f[0] == name) is { } field ? field[1] : "";
        return new LogLineDto(entry.Index, entry.Timestamp, Field("level"), Field("context"), Field("message"));
    }
}
