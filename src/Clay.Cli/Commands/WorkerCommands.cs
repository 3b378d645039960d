using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Clay.Cli.Output;
using Spectre.Console;

namespace Clay.Cli.Commands;

/// <summary><c>clay worker new|invoke|get|list|oplog|delete</c>.</summary>
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
        command.Add(Delete());
        return command;
    }

    private static Argument<string> WorkerArgument() => new("worker") { Description = "COMPONENT/WORKER, for example demo:cart0/test" };

    private static Command New()
    {
        var worker = WorkerArgument();
        var args = new Option<string[]>("--arg") { Description = "A start-up argument (repeatable)", HelpName = "VALUE" };
        var env = new Option<string[]>("--env", "-e") { Description = "An environment variable KEY=VALUE (repeatable)", HelpName = "KEY=VALUE" };
        var command = new Command("new", "Create a worker") { worker, args, env };
        command.SetAction(async (result, ct) =>
        {
            var (component, name) = Targets.Worker(result.GetValue(worker)!);
            var environment = new JsonObject();
            foreach (var pair in result.GetValue(env) ?? [])
            {
                var eq = pair.IndexOf('=', StringComparison.Ordinal);
                if (eq <= 0) throw new CliException("invalid-usage", $"--env '{pair}' is not KEY=VALUE", ExitCodes.InvalidInput);
                environment[pair[..eq]] = pair[(eq + 1)..];
            }
            using var client = GlobalOptions.Client(result);
            var created = await client.PostAsync(Targets.ComponentPath(component) + "/workers", new JsonObject
            {
                ["name"] = name,
                ["args"] = new JsonArray((result.GetValue(args) ?? []).Select(a => (JsonNode)JsonValue.Create(a)).ToArray()),
                ["env"] = environment,
            }, ct);
            GlobalOptions.Output(result).Write(created, o =>
                o.WriteLine($"Created worker {component}/{name} (component version {Show.Str(created["componentVersion"])})."));
            return 0;
        });
        return command;
    }

    private static Command Invoke()
    {
        var worker = WorkerArgument();
        var function = new Argument<string>("function") { Description = "The exported function, for example add-item (a unique part of the name is enough)" };
        var arguments = new Argument<string[]>("arguments") { Description = "One WAVE value per parameter, for example '\"user1\"' or '{ product-id: \"p1\", … }'", Arity = ArgumentArity.ZeroOrMore };
        var key = new Option<string?>("--idempotency-key", "-k") { Description = "Run at most once for this key; repeating it returns the recorded result", HelpName = "KEY" };
        var enqueue = new Option<bool>("--enqueue") { Description = "Queue the invocation and return without waiting for its result" };
        var command = new Command("invoke", "Invoke an exported function, creating the worker on first use, and print the result as WAVE")
        {
            worker, function, arguments, key, enqueue,
        };
        command.SetAction(async (result, ct) =>
        {
            var (component, name) = Targets.Worker(result.GetValue(worker)!);
            using var client = GlobalOptions.Client(result);
            var body = new JsonObject
            {
                ["function"] = result.GetValue(function),
                ["args"] = new JsonArray((result.GetValue(arguments) ?? []).Select(a => (JsonNode)JsonValue.Create(a)).ToArray()),
                ["idempotencyKey"] = result.GetValue(key),
                ["mode"] = result.GetValue(enqueue) ? "enqueue" : "await",
            };
            var reply = await client.PostAsync(Targets.WorkerPath(component, name) + "/invoke", body, ct);
            GlobalOptions.Output(result).Write(reply, o =>
            {
                if (result.GetValue(enqueue)) o.WriteLine($"Enqueued {Show.Str(reply["function"])} with idempotency key {Show.Str(reply["idempotencyKey"])}.");
                else if (reply["result"] is JsonObject value) o.WriteLine(Show.Str(value["wave"]));
                else o.WriteLine("Empty result.");
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
            var w = await client.GetAsync(Targets.WorkerPath(component, name), ct);
            GlobalOptions.Output(result).Write(w, o =>
            {
                var env = w["env"] as JsonObject;
                var args = w["args"] as JsonArray;
                Show.Fields(o,
                    ("Worker", $"{Show.Str(w["componentName"])}/{Show.Str(w["workerName"])}"),
                    ("Component version", Show.Str(w["componentVersion"])),
                    ("Component size", Show.Bytes(w["componentSize"]!.GetValue<long>())),
                    ("Status", Show.Str(w["status"])),
                    ("Created at", Show.Time(w["createdAt"])),
                    ("Memory at start-up", Show.Bytes(w["memoryAtStartup"]!.GetValue<long>())),
                    ("Memory now", Show.Bytes(w["memoryNow"]!.GetValue<long>())),
                    ("Pending invocations", Show.Str(w["pendingInvocations"])),
                    ("Retry count", w["retryCount"]!.GetValue<int>() == 0 ? null : Show.Str(w["retryCount"])),
                    ("Oplog length", Show.Str(w["oplogLength"])),
                    ("In memory", w["resident"]!.GetValue<bool>() ? "yes" : "no"),
                    ("Args", args is { Count: > 0 } ? string.Join(" ", args.Select(a => Show.Str(a))) : null),
                    ("Env", env is { Count: > 0 } ? string.Join(", ", env.Select(p => $"{p.Key}={Show.Str(p.Value)}")) : null),
                    ("Last error", Show.Str(w["lastError"])));
            });
            return 0;
        });
        return command;
    }

    private static Command List()
    {
        var component = new Argument<string>("component") { Description = "The component, for example demo:cart0" };
        var filter = new Option<string[]>("--filter", "-f") { Description = "'property op value', e.g. 'status == Idle', 'name like cart', 'env.REGION == eu' (repeatable; all must match)", HelpName = "FILTER" };
        var count = new Option<int?>("--count", "-n") { Description = "At most this many workers (default 50)" };
        var cursor = new Option<string?>("--cursor") { Description = "Continue after the cursor a previous page printed" };
        var command = new Command("list", "List a component's workers") { component, filter, count, cursor };
        command.SetAction(async (result, ct) =>
        {
            using var client = GlobalOptions.Client(result);
            var query = new List<string>();
            foreach (var f in result.GetValue(filter) ?? []) query.Add("filter=" + Uri.EscapeDataString(f));
            if (result.GetValue(count) is { } n) query.Add($"count={n}");
            if (result.GetValue(cursor) is { } c) query.Add("cursor=" + Uri.EscapeDataString(c));
            var path = Targets.ComponentPath(result.GetValue(component)!) + "/workers" + (query.Count > 0 ? "?" + string.Join("&", query) : "");
            var page = await client.GetAsync(path, ct);
            GlobalOptions.Output(result).Write(page, o =>
            {
                var workers = page["workers"]!.AsArray();
                if (workers.Count == 0) o.WriteLine("No workers.");
                else
                {
                    var table = new Table().AddColumn("Component").AddColumn("Name").AddColumn("Version", c => c.RightAligned())
                        .AddColumn("Status").AddColumn("Created at").AddColumn("Pending", c => c.RightAligned()).AddColumn("In memory");
                    foreach (var w in workers)
                    {
                        table.AddRow(Markup.Escape(Show.Str(w!["componentName"])!), Markup.Escape(Show.Str(w["workerName"])!), Show.Str(w["componentVersion"])!,
                            Show.Str(w["status"])!, Show.Time(w["createdAt"]), Show.Str(w["pendingInvocations"])!, w["resident"]!.GetValue<bool>() ? "yes" : "no");
                    }
                    Show.Console(o).Write(table);
                }
                if (Show.Str(page["cursor"]) is { } next) o.WriteLine($"More workers: --cursor {next}");
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
        var command = new Command("oplog", "Show a worker's oplog: every step it took, with index, time, kind and payload") { worker, from, query, count };
        command.SetAction(async (result, ct) =>
        {
            var (component, name) = Targets.Worker(result.GetValue(worker)!);
            using var client = GlobalOptions.Client(result);
            var parameters = new List<string>();
            if (result.GetValue(from) is { } f) parameters.Add($"from={f}");
            if (result.GetValue(query) is { } q) parameters.Add("query=" + Uri.EscapeDataString(q));
            if (result.GetValue(count) is { } n) parameters.Add($"count={n}");
            var page = await client.GetAsync(Targets.WorkerPath(component, name) + "/oplog" + (parameters.Count > 0 ? "?" + string.Join("&", parameters) : ""), ct);
            GlobalOptions.Output(result).Write(page, o =>
            {
                var entries = page["entries"]!.AsArray();
                if (entries.Count == 0) o.WriteLine("No results.");
                foreach (var entry in entries)
                {
                    var index = entry!["index"]!.GetValue<long>();
                    o.WriteLine($"#{index.ToString("D5", CultureInfo.InvariantCulture)}: {Show.Str(entry["kind"])}");
                    var fields = new List<(string, string?)> { ("at", Show.Time(entry["timestamp"])) };
                    fields.AddRange(entry["fields"]!.AsArray().Select(p => (Show.Str(p![0])!, Show.Str(p[1]))));
                    using var indented = new StringWriter();
                    Show.Fields(indented, fields.ToArray());
                    foreach (var line in indented.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries)) o.WriteLine("        " + line);
                }
                if (page["next"] is JsonValue next) o.WriteLine($"More entries: --from {next}");
            });
            return 0;
        });
        return command;
    }

    private static Command Delete()
    {
        var worker = WorkerArgument();
        var command = new Command("delete", "Delete a worker and its oplog") { worker };
        command.SetAction(async (result, ct) =>
        {
            var (component, name) = Targets.Worker(result.GetValue(worker)!);
            using var client = GlobalOptions.Client(result);
            await client.DeleteAsync(Targets.WorkerPath(component, name), ct);
            GlobalOptions.Output(result).Write(new JsonObject { ["deleted"] = $"{component}/{name}" }, o => o.WriteLine($"Deleted worker {component}/{name}."));
            return 0;
        });
        return command;
    }
}
