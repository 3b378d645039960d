using System.CommandLine;
using Clay.Cli.Output;
using Clay.Client;
using Clay.Client.Contracts;
using Clay.Client.Logs;

namespace Clay.Cli.Commands;

/// <summary><c>clay worker stream</c>: a worker's log lines as they are written, until Ctrl-C.</summary>
public static class WorkerStreamCommands
{
    /// <summary>The <c>worker stream</c> command.</summary>
    public static Command Stream()
    {
        var worker = new Argument<string>("worker") { Description = "COMPONENT/WORKER, for example demo:cart0/test" };
        var after = new Option<long?>("--after")
        {
            Description = "Start after this oplog index: the worker's lines after it first, then the live ones (0: its whole log). Default: live lines only",
            HelpName = "INDEX",
        };
        var logsOnly = new Option<bool>("--logs-only") { Description = "Print only the worker's lines: no notes on stderr about the connection or lines not yet available" };
        var reconnect = ReconnectTimeoutOption();
        var command = new Command("stream", "Follow a worker's log lines (context.Log and console output) live, until Ctrl-C; reconnects without repeating a line")
        {
            worker, after, logsOnly, reconnect,
        };
        command.SetAction(async (result, cancellationToken) =>
        {
            using var ctrlC = CtrlC.Handle(cancellationToken);
            var ct = ctrlC.Token;
            var (component, name) = Targets.Worker(result.GetValue(worker)!);
            if (result.GetValue(after) is < 0) throw new CliException("invalid-usage", "--after takes an oplog index, 0 or more", ExitCodes.InvalidInput);
            using var client = GlobalOptions.Client(result);
            // Asking for the worker first names an unknown worker clearly, and gives live lines a cursor
            // from the start, so a reconnection loses nothing even before the first line arrives.
            var found = await client.GetWorkerAsync(component, name, ct);
            var start = result.GetValue(after) ?? found.OplogLength;
            var output = GlobalOptions.Output(result);
            var items = new StreamItemWriter(output.Format, output.Out);
            var notes = result.GetValue(logsOnly) ? TextWriter.Null : CliConsole.Error;
            try
            {
                await using var stream = await client.OpenLogStreamAsync(component, name, start, Options(result, reconnect), ct);
                notes.WriteLine($"Streaming the log of {component}/{name} (Ctrl-C to stop).");
                while (true) Print(await stream.ReadAsync(ct), items, notes);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                // Ctrl-C is how a stream ends: not an error.
                return ExitCodes.Ok;
            }
        });
        return command;
    }

    /// <summary><c>--reconnect-timeout SECONDS</c> of the commands that follow a worker.</summary>
    internal static Option<int?> ReconnectTimeoutOption() => new("--reconnect-timeout")
    {
        Description = "Seconds to keep reconnecting when the server goes away before failing with stream-lost (default 60)",
        HelpName = "SECONDS",
    };

    /// <summary>The stream options the command line asks for.</summary>
    internal static LogStreamOptions Options(ParseResult result, Option<int?> reconnect) => result.GetValue(reconnect) switch
    {
        null => new LogStreamOptions(),
        < 1 => throw new CliException("invalid-usage", "--reconnect-timeout takes a number of seconds, 1 or more", ExitCodes.InvalidInput),
        { } seconds => new LogStreamOptions { ReconnectTimeout = TimeSpan.FromSeconds(seconds) },
    };

    /// <summary>Prints a line to <paramref name="items"/>, news about the stream to <paramref name="notes"/>.</summary>
    internal static void Print(WorkerLogEvent logEvent, StreamItemWriter items, TextWriter notes)
    {
        switch (logEvent)
        {
            case WorkerLogEvent.Line line:
                items.Write(line.Value, ClayJsonContext.Default.LogLineDto, o => o.WriteLine(StreamItemWriter.Text(line.Value)));
                break;
            case WorkerLogEvent.Gap gap:
                notes.WriteLine($"note: {gap.Value.Message}");
                break;
            case WorkerLogEvent.Disconnected lost:
                notes.WriteLine($"note: lost the connection ({lost.Reason}); reconnecting…");
                break;
            case WorkerLogEvent.Reconnected:
                notes.WriteLine("note: reconnected; continuing after the last line shown.");
                break;
        }
    }
}
