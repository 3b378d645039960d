using System.CommandLine;
using System.Text.Json.Nodes;
using Clay.Cli.Output;
using Clay.Client;
using Clay.Client.Contracts;
using Spectre.Console;

namespace Clay.Cli.Commands;

/// <summary><c>clay worker new|invoke|get|list|oplog|stream|delete</c>.</summary>
public static class WorkerCommands
{
    /// <summary>The <c>worker</c> command tree.</summary>
    public static Command Create()
    {
        var command = new Command("worker", "Create, invoke and inspect workers");
        command.Add(New());
        command.Add(Invoke());
        command.Add(Get());
        command.Add(List());
        command.Add(Oplog());
        command.Add(WorkerStreamCommands.Stream());
        command.Add(Delete());
        command.Add(WorkerLifecycleCommands.Resume());
        command.Add(WorkerLifecycleCommands.Promise());
        command.Add(WorkerLifecycleCommands.Schedules());
        command.Add(WorkerLifecycleCommands.Interrupt());
        command.Add(WorkerLifecycleCommands.SimulateCrash());
        command.Add(WorkerLifecycleCommands.CancelInvocation());
        command.Add(WorkerHistoryCommands.Revert());
        command.Add(WorkerHistoryCommands.Update());
        command.Add(WorkerHistoryCommands.Fork());
        return command;
    }

    /// <summary>The COMPONENT/WORKER argument of the worker commands.</summary>
    internal static Argument<string> WorkerArgument() => new("worker") { Description = "COMPONENT/WORKER, for example demo:cart0/test" };

    private static Command New()
    {
        var worker = WorkerArgument();
        var positional = new Argument<string[]>("arguments") { Description = "The worker's start-up arguments, as in Golem", Arity = ArgumentArity.ZeroOrMore };
        var args = new Option<string[]>("--arg") { Description = "A start-up argument (repeatable; or give them after the worker)", HelpName = "VALUE" };
        var env = new Option<string[]>("--env", "-e") { Description = "An environment variable KEY=VALUE (repeatable)", HelpName = "KEY=VALUE" };
        var command = new Command("new", "Create a worker") { worker, positional, args, env };
        command.SetAction(async (result, ct) =>
        {
            var (component, name) = Targets.Worker(result.GetValue(worker)!);
            var environment = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var pair in result.GetValue(env) ?? [])
            {
                var eq = pair.IndexOf('=', StringComparison.Ordinal);
                if (eq <= 0) throw new CliException("invalid-usage", $"--env '{pair}' is not KEY=VALUE", ExitCodes.InvalidInput);
                environment[pair[..eq]] = pair[(eq + 1)..];
            }
            var startup = StartupArguments.Of(result.GetValue(positional), result.GetValue(args));
            using var client = GlobalOptions.Client(result);
            var created = await client.CreateWorkerAsync(component, new CreateWorkerDto(name, startup, environment), ct);
            GlobalOptions.Output(result).Write(created, ClayJsonContext.Default.WorkerDto, o =>
                o.WriteLine($"Created worker {component}/{name} (component version {Show.Number(created.ComponentVersion)})."));
            return 0;
        });
        return command;
    }

    private static Command Invoke()
    {
        var worker = WorkerArgument();
        var function = new Argument<string>("function") { Description = "The exported function, for example add-item (a unique part of the name is enough)" };
        var arguments = new Argument<string[]>("arguments") { Description = "One WAVE value per parameter, for example '\"user1\"' or '{ product-id: \"p1\", … }'", Arity = ArgumentArity.ZeroOrMore };
        var key = new Option<string?>("--idempotency-key", "-i", "-k")
        {
            Description = "Run at most once for this key; repeating it returns the recorded result ('-': generate one and print it on stderr)",
            HelpName = "KEY",
        };
        var enqueue = new Option<bool>("--enqueue") { Description = "Queue the invocation and return without waiting for its result" };
        var scheduleAt = new Option<string?>("--schedule-at") { Description = "Schedule the invocation to start at this time (ISO 8601, e.g. 2026-12-24T18:00:00Z)", HelpName = "TIME" };
        var scheduleIn = new Option<string?>("--schedule-in") { Description = "Schedule the invocation to start after this long (e.g. 90s, 15m, 2h, 1d, or 00:15:00)", HelpName = "DURATION" };
        var stream = new Option<bool>("--stream") { Description = "Show the worker's log lines on stderr while the invocation runs, then the result" };
        var command = new Command("invoke", "Invoke an exported function, creating the worker on first use, and print the result as WAVE")
        {
            worker, function, arguments, key, enqueue, scheduleAt, scheduleIn, stream,
        };
        command.SetAction(async (result, ct) =>
        {
            var (component, name) = Targets.Worker(result.GetValue(worker)!);
            var at = Schedule.Parse(result.GetValue(scheduleAt), result.GetValue(scheduleIn), DateTimeOffset.UtcNow);
            using var client = GlobalOptions.Client(result);
            var idempotencyKey = IdempotencyKeys.Resolve(result.GetValue(key), CliConsole.Error);
            var queued = result.GetValue(enqueue) || at is not null;
            var invocation = new InvokeDto(result.GetValue(function), result.GetValue(arguments) ?? [], idempotencyKey,
                queued ? "enqueue" : "await", at);
            if (result.GetValue(stream) && queued)
            {
                throw new CliException("invalid-usage", "--stream shows the lines of an invocation it waits for: it takes no --enqueue, --schedule-at or --schedule-in",
                    ExitCodes.InvalidInput);
            }
            InvokeResultDto reply;
            try
            {
                reply = result.GetValue(stream)
                    ? await StreamedInvocation.RunAsync(client, component, name, invocation, new Clay.Client.Logs.LogStreamOptions(), ct)
                    : await client.InvokeAsync(component, name, invocation, ct);
            }
            catch (ClayApiException ex) when (ex.Code == ClientErrorCodes.ServerDisconnected)
            {
                throw new CliException(ex.Code,
                    $"the server closed the connection before answering: the outcome of {invocation.Function} on {component}/{name} is unknown; "
                    + $"ask again safely with --idempotency-key {idempotencyKey} (it runs at most once, and answers with its result)", ExitCodes.Disconnected);
            }
            GlobalOptions.Output(result).Write(reply, ClayJsonContext.Default.InvokeResultDto, o =>
            {
                if (at is { } due) o.WriteLine($"Scheduled {reply.Function} for {Show.Time(due)} with idempotency key {reply.IdempotencyKey}.");
                else if (result.GetValue(enqueue)) o.WriteLine($"Enqueued {reply.Function} with idempotency key {reply.IdempotencyKey}.");
                else InvocationText.Write(o, reply);
            });
            return 0;
        });
        return command;
    }

    private static Command Get()
    {
        var worker = WorkerArgument();
        var command = new Command("get", "Show a worker: status, memory, pending invocations, oplog length, last error") { worker };
        command.SetAction(async (result, ct) =>
        {
            var (component, name) = Targets.Worker(result.GetValue(worker)!);
            using var client = GlobalOptions.Client(result);
            var w = await client.GetWorkerAsync(component, name, ct);
            GlobalOptions.Output(result).Write(w, ClayJsonContext.Default.WorkerDto, o =>
            {
                Show.Fields(o,
                    ("Worker", $"{w.ComponentName}/{w.WorkerName}"),
                    ("Component version", Show.Number(w.ComponentVersion)),
                    ("Component size", Show.Bytes(w.ComponentSize)),
                    ("Status", w.Status),
                    ("Created at", Show.Time(w.CreatedAt)),
                    ("Memory at start-up", Show.Bytes(w.MemoryAtStartup)),
                    ("Memory now", Show.Bytes(w.MemoryNow)),
                    ("Pending invocations", Show.Number(w.PendingInvocations)),
                    ("Retry count", w.RetryCount == 0 ? null : Show.Number(w.RetryCount)),
                    ("Oplog length", Show.Number(w.OplogLength)),
                    ("In memory", w.Resident ? "yes" : "no"),
                    ("Args", w.Args is { Count: > 0 } ? string.Join(" ", w.Args) : null),
                    ("Env", w.Env is { Count: > 0 } ? string.Join(", ", w.Env.Select(p => $"{p.Key}={p.Value}")) : null),
                    ("Last error", w.LastError));
                if (w.Updates is { Count: > 0 } updates)
                {
                    o.WriteLine("Updates:");
                    foreach (var u in updates)
                    {
                        o.WriteLine($"  {Show.Time(u.FinishedAt ?? u.RequestedAt)}  to version {Show.Number(u.TargetVersion)} ({u.Mode}): {u.Outcome}"
                            + (u.Detail is null ? "" : $" ({u.Detail})"));
                    }
                }
            });
            return 0;
        });
        return command;
    }

    private static Command List()
    {
        var component = new Argument<string>("component") { Description = "The component, for example demo:cart0" };
        var filter = new Option<string[]>("--filter", "-f") { Description = "'property op value', e.g. 'status == Idle', 'name like cart', 'env.REGION == eu' (repeatable; all must match)", HelpName = "FILTER" };
        var count = new Option<int?>("--max-count", "--count", "-n") { Description = "At most this many workers (default 50)", HelpName = "N" };
        var cursor = new Option<string?>("--scan-cursor", "--cursor") { Description = "Continue after the cursor a previous page printed", HelpName = "CURSOR" };
        var precise = new Option<bool>("--precise")
        {
            Description = "Ask each worker for its status through its own door (its node and component host), as 'worker get' does, instead of the listing's stored marks",
        };
        var command = new Command("list", "List a component's workers") { component, filter, count, cursor, precise };
        command.SetAction(async (result, ct) =>
        {
            using var client = GlobalOptions.Client(result);
            if (result.GetValue(count) is < 1) throw new CliException("invalid-usage", "--max-count takes a number of workers, 1 or more", ExitCodes.InvalidInput);
            var page = await client.ListWorkersAsync(result.GetValue(component)!,
                new WorkerListQuery(result.GetValue(filter), result.GetValue(count), result.GetValue(cursor), result.GetValue(precise)), ct);
            GlobalOptions.Output(result).Write(page, ClayJsonContext.Default.WorkerListDto, o =>
            {
                var workers = page.Workers;
                if (workers.Count == 0) o.WriteLine("No workers.");
                else
                {
                    var table = new Table().AddColumn("Component").AddColumn("Name").AddColumn("Version", c => c.RightAligned())
                        .AddColumn("Status").AddColumn("Created at").AddColumn("Pending", c => c.RightAligned()).AddColumn("In memory");
                    foreach (var w in workers)
                    {
                        table.AddRow(Markup.Escape(w.ComponentName), Markup.Escape(w.WorkerName), Show.Number(w.ComponentVersion),
                            w.Status, Show.Time(w.CreatedAt), Show.Number(w.PendingInvocations), w.Resident ? "yes" : "no");
                    }
                    Show.Console(o).Write(table);
                }
                if (page.Cursor is { } next) o.WriteLine($"More workers: --scan-cursor {next}");
            });
            return 0;
        });
        return command;
    }

    private static Command Oplog()
    {
        var worker = WorkerArgument();
        var from = new Option<long?>("--from") { Description = "Start at this oplog index" };
        var query = new Option<string?>("--query", "-q") { Description = "Lucene-style query: terms, \"phrases\", field:value, /regex/, AND, OR, NOT, ( )", HelpName = "QUERY" };
        var count = new Option<int?>("--count", "-n") { Description = "At most this many entries (default 1000)" };
        var export = new Option<string?>("--export")
        {
            Description = "Write the worker's whole oplog to FILE (JSON Lines, format clay-oplog-export v1, see docs/testing.md) for WorkerReplayer",
            HelpName = "FILE",
        };
        var follow = new Option<bool>("--follow") { Description = "After the entries there are, print each new one as it is committed, until Ctrl-C" };
        var reconnect = WorkerStreamCommands.ReconnectTimeoutOption();
        var command = new Command("oplog", "Show a worker's oplog: every step it took, with index, time, kind and payload")
        {
            worker, from, query, count, export, follow, reconnect,
        };
        command.SetAction(async (result, ct) =>
        {
            var (component, name) = Targets.Worker(result.GetValue(worker)!);
            using var client = GlobalOptions.Client(result);
            if (result.GetValue(export) is { } file)
            {
                if (result.GetValue(follow)) throw new CliException("invalid-usage", "--export writes the oplog once: it takes no --follow", ExitCodes.InvalidInput);
                return await ExportAsync(result, client, component, name, file, from, query, count, ct);
            }
            if (result.GetValue(follow))
            {
                if (result.GetValue(count) is not null) throw new CliException("invalid-usage", "--follow prints every entry: it takes no --count", ExitCodes.InvalidInput);
                var output = GlobalOptions.Output(result);
                using var ctrlC = CtrlC.Handle(ct);
                return await FollowedOplog.RunAsync(client, component, name, result.GetValue(from), result.GetValue(query),
                    new StreamItemWriter(output.Format, output.Out), WorkerStreamCommands.Options(result, reconnect).ReconnectTimeout, ctrlC.Token);
            }
            var page = await client.GetOplogAsync(component, name, result.GetValue(from), result.GetValue(count), result.GetValue(query), ct);
            GlobalOptions.Output(result).Write(page, ClayJsonContext.Default.OplogPageDto, o =>
            {
                if (page.Entries.Count == 0) o.WriteLine("No results.");
                foreach (var entry in page.Entries) OplogText.Write(o, entry);
                if (page.Next is { } next) o.WriteLine($"More entries: --from {Show.Number(next)}");
            });
            return 0;
        });
        return command;
    }

    /// <summary><c>clay worker oplog C/W --export FILE</c>: the whole oplog, with each entry's encoded bytes, into a file.</summary>
    private static async Task<int> ExportAsync(ParseResult result, ClayClient client, string component, string name, string file,
        Option<long?> from, Option<string?> query, Option<int?> count, CancellationToken ct)
    {
        if (result.GetValue(from) is not null || result.GetValue(query) is not null || result.GetValue(count) is not null)
        {
            throw new CliException("invalid-arguments", "--export writes the whole oplog: it takes no --from, --query or --count", ExitCodes.InvalidInput);
        }
        var exported = await Clay.Client.Export.OplogExport.FetchAsync(client, component, name, cancellationToken: ct);
        var path = Path.GetFullPath(file);
        var partial = path + ".partial";
        try
        {
            // Written beside and renamed: a file at FILE is always a whole export.
            await using (var stream = File.Create(partial)) await exported.WriteAsync(stream, ct);
            File.Move(partial, path, overwrite: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            File.Delete(partial);
            throw new CliException("export-failed", $"cannot write {path}: {ex.Message}", ExitCodes.Failed);
        }
        GlobalOptions.Output(result).Write(
            new JsonObject { ["file"] = path, ["component"] = component, ["worker"] = name, ["entries"] = exported.Entries.Count },
            o => o.WriteLine($"Exported {Show.Number(exported.Entries.Count)} oplog entries of {component}/{name} to {path}"));
        return 0;
    }

    private static Command Delete()
    {
        var worker = WorkerArgument();
        var command = new Command("delete", "Delete a worker and its oplog") { worker };
        command.SetAction(async (result, ct) =>
        {
            var (component, name) = Targets.Worker(result.GetValue(worker)!);
            using var client = GlobalOptions.Client(result);
            await client.DeleteWorkerAsync(component, name, ct);
            GlobalOptions.Output(result).Write(new JsonObject { ["deleted"] = $"{component}/{name}" }, o => o.WriteLine($"Deleted worker {component}/{name}."));
            return 0;
        });
        return command;
    }
}
