using System.CommandLine;
using System.Diagnostics;
using Clay.Cli.Output;
using Clay.Client;
using Clay.Client.Contracts;
using Spectre.Console;

namespace Clay.Cli.Commands;

/// <summary>
/// <c>clay server run</c>: runs clay-server in the foreground with the given options — on Linux and
/// macOS by becoming it, so the process a supervisor or a terminal signals is the server itself;
/// <c>clay server status</c> lists its nodes.
/// </summary>
public static class ServerCommands
{
    /// <summary>The <c>server</c> command tree.</summary>
    public static Command Create()
    {
        var command = new Command("server", "Run the Clay server");
        var options = new Argument<string[]>("options")
        {
            Description = "Server options (see README; also from appsettings.json, ~/.clay/server.conf and CLAY__ variables): --data-dir DIR, --port N, --listen ADDRESS, --memory-budget SIZE, --max-idle DURATION, --snapshot-every N, --max-argument-size SIZE, --max-pending N, --invocation-timeout DURATION, --isolation process|none, --host-memory SIZE, …",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var run = new Command("run", "Start the server with embedded storage and wait (Ctrl+C stops it cleanly)") { options };
        run.TreatUnmatchedTokensAsErrors = false;
        run.SetAction(async (result, ct) =>
        {
            if (!File.Exists(Install.Server))
                throw new CliException("not-installed", $"clay-server is missing next to clay ({Install.Server}); reinstall clay (dotnet tool install -g Clay.Cli), or run scripts/publish.sh in a checkout", ExitCodes.Failed);
            var arguments = (result.GetValue(options) ?? []).Concat(result.UnmatchedTokens).ToList();
            if (ProcessImage.IsSupported)
            {
                // clay becomes clay-server (same process id): signals reach the server, and nothing is left behind.
                var failure = ProcessImage.Replace(Install.Server, arguments);
                throw new CliException("server-start-failed", $"cannot start {Install.Server}: {failure}", ExitCodes.Failed);
            }
            var start = new ProcessStartInfo(Install.Server) { UseShellExecute = false };
            foreach (var token in arguments) start.ArgumentList.Add(token);
            using var process = Process.Start(start)!;
            try
            {
                await process.WaitForExitAsync(ct);
            }
            catch (OperationCanceledException)
            {
                // Ctrl+C reached the server too (same process group); wait for its clean shutdown.
                await process.WaitForExitAsync(CancellationToken.None);
            }
            return process.ExitCode;
        });
        command.Add(run);

        var status = new Command("status", "Show the server's nodes: one for a single server, every member of a cluster, from any node");
        status.SetAction(async (result, ct) =>
        {
            using var client = GlobalOptions.Client(result);
            var cluster = await client.GetClusterAsync(ct);
            GlobalOptions.Output(result).Write(cluster, ClayJsonContext.Default.ClusterDto, o => WriteStatus(o, cluster));
            return 0;
        });
        command.Add(status);
        return command;
    }

    private static void WriteStatus(TextWriter output, ClusterDto cluster)
    {
        var live = cluster.Nodes.Count(n => n.Status == "Active");
        output.WriteLine(cluster.Mode == "cluster"
            ? $"Cluster of {live} active node(s) sharing PostgreSQL"
            : "Single server on embedded storage");
        var table = new Table().AddColumn("Node").AddColumn("Status").AddColumn("Workers", c => c.RightAligned())
            .AddColumn("Memory", c => c.RightAligned()).AddColumn("Budget", c => c.RightAligned()).AddColumn("Started at");
        foreach (var n in cluster.Nodes)
        {
            table.AddRow(Markup.Escape(n.Url + (n.Self ? " (this)" : "")), Markup.Escape(n.Status),
                n.ResidentWorkers is { } w ? Show.Number(w) : "-", n.MemoryUsed is { } m ? Show.Bytes(m) : "-",
                n.MemoryBudget is { } b ? Show.Bytes(b) : "-", Show.Time(n.StartedAt));
        }
        Show.Console(output).Write(table);
    }
}
