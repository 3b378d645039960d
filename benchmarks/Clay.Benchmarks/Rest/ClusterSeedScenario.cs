using System.Text.Json;
using Clay.Benchmarks.Cli;
using Clay.Storage.Postgres;
using Npgsql;

namespace Clay.Benchmarks.Rest;

/// <summary>
/// The seed workload over REST, in one run, against: one node on SQLite (the default), one node on
/// PostgreSQL, and clusters of 2 and 3 nodes on PostgreSQL (each a scratch database, dropped after).
/// clay-load spreads its clients over the nodes, so every node takes calls for workers that live
/// anywhere; the server CPU is the sum over the nodes. Everything runs on this machine: the
/// nodes, PostgreSQL and the load client share its cores.
/// </summary>
public sealed class ClusterSeedScenario : IScenario
{
    public string Name => "cluster-seed";

    public string Description => "seed workload over REST on 1 node (SQLite), 1, 2 and 3 nodes (PostgreSQL): --components 4 --workers 1000 --clients 64 --random 5000 --warmup 1000 [--nodes 3] [--postgres URL]";

    public async Task<int> RunAsync(string[] args)
    {
        var components = Execution.ExecutorScenario.Arg(args, "--components", 4);
        var workers = Execution.ExecutorScenario.Arg(args, "--workers", 1000);
        var clients = Execution.ExecutorScenario.Arg(args, "--clients", 64);
        var random = Execution.ExecutorScenario.Arg(args, "--random", 5000);
        var warmup = Execution.ExecutorScenario.Arg(args, "--warmup", 1000);
        var maxNodes = Execution.ExecutorScenario.Arg(args, "--nodes", 3);
        var postgres = PostgresUrl(args);
        var load = new[] { "--components", $"{components}", "--workers", $"{workers}", "--clients", $"{clients}", "--random", $"{random}", "--calls", "3", "--warmup", $"{warmup}" };

        var results = new List<(string Setup, JsonElement Figures)>();
        var exit = 0;
        Console.WriteLine($"cluster-seed: {components} × {workers} carts, 3 calls each, {random} random reads, {clients} clients, {warmup} warm-up carts");
        foreach (var nodes in new[] { 0 }.Concat(Enumerable.Range(1, maxNodes)))
        {
            var setup = nodes == 0 ? "1 node, SQLite" : $"{nodes} node{(nodes > 1 ? "s" : "")}, PostgreSQL";
            Console.WriteLine($"- {setup}");
            (string Name, string Url)? database = nodes == 0 ? null : await CreateDatabaseAsync(postgres);
            var servers = new List<ClayHarness>();
            try
            {
                string[] serverArgs = database is null ? [] : ["--cluster", database.Value.Url];
                servers.Add(await ClayHarness.StartAsync(serverArgs));
                servers.AddRange(await Task.WhenAll(Enumerable.Range(1, Math.Max(0, nodes - 1)).Select(_ => ClayHarness.StartAsync(serverArgs))));
                await WaitForMembersAsync(servers[0], Math.Max(1, nodes));
                servers[0].DeployCarts(components + (warmup > 0 ? 1 : 0));
                var (figures, code) = await LoadClientProcess.RunAsync([.. load, "--target", "clay", "--url", string.Join(",", servers.Select(s => s.Url)), "--token-file", servers[0].TokenFile,
                    "--server-pids", string.Join(",", servers.Select(s => s.ServerPid))], indent: "    ");
                results.Add((setup, figures));
                exit |= code;
            }
            finally
            {
                foreach (var server in servers) await server.DisposeAsync();
                if (database is { } db) await DropDatabaseAsync(postgres, db.Name);
            }
        }

        Console.WriteLine();
        Console.WriteLine("| setup | spawning invocations/s | p50 / p99 | reads/s | p50 / p99 | server CPU per call | vs 1 node PostgreSQL |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|");
        var basis = results.FirstOrDefault(r => r.Setup == "1 node, PostgreSQL").Figures;
        foreach (var (setup, figures) in results)
        {
            var spawn = figures.GetProperty("spawn");
            var reads = figures.GetProperty("reads");
            var ratio = basis.ValueKind == JsonValueKind.Object ? spawn.GetProperty("per_second").GetDouble() / basis.GetProperty("spawn").GetProperty("per_second").GetDouble() : double.NaN;
            Console.WriteLine($"| {setup} | {spawn.GetProperty("per_second")} | {spawn.GetProperty("p50_ms")} / {spawn.GetProperty("p99_ms")} ms | "
                + $"{reads.GetProperty("per_second")} | {reads.GetProperty("p50_ms")} / {reads.GetProperty("p99_ms")} ms | "
                + $"{spawn.GetProperty("server_cpu_us_per_call")} µs | {ratio:F2}× |");
        }
        Console.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["scenario"] = Name,
            ["setups"] = results.ToDictionary(r => r.Setup, r => (object)r.Figures),
        }));
        return exit;
    }

    private static async Task WaitForMembersAsync(ClayHarness node, int count)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            using var json = JsonDocument.Parse(await node.Http.GetStringAsync("/v1/cluster/nodes"));
            if (json.RootElement.GetProperty("nodes").EnumerateArray().Count(n => n.GetProperty("status").GetString() == "Active") >= count) return;
            if (waited.Elapsed > TimeSpan.FromMinutes(2)) throw new TimeoutException($"the cluster did not reach {count} active nodes");
            await Task.Delay(100);
        }
    }

    private static async Task<(string Name, string Url)> CreateDatabaseAsync(string serverUrl)
    {
        var name = $"clay_bench_{Guid.NewGuid():N}"[..32];
        await using var connection = new NpgsqlConnection(PostgresConnectionString.Parse(serverUrl).ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
        await command.ExecuteNonQueryAsync();
        return (name, new UriBuilder(serverUrl) { Path = "/" + name }.Uri.ToString());
    }

    private static async Task DropDatabaseAsync(string serverUrl, string name)
    {
        await using var connection = new NpgsqlConnection(PostgresConnectionString.Parse(serverUrl).ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", connection);
        await command.ExecuteNonQueryAsync();
    }

    private static string PostgresUrl(string[] args)
    {
        var at = Array.IndexOf(args, "--postgres");
        if (at >= 0 && at + 1 < args.Length) return args[at + 1];
        var fromEnvironment = Environment.GetEnvironmentVariable("CLAY_TEST_POSTGRES");
        if (!string.IsNullOrWhiteSpace(fromEnvironment)) return fromEnvironment;
        var file = Path.Combine(ClayHarness.RepositoryRoot, "artifacts", "postgres", "url");
        return File.Exists(file)
            ? File.ReadAllText(file).Trim()
            : throw new InvalidOperationException("no PostgreSQL server: pass --postgres URL, set CLAY_TEST_POSTGRES, or run scripts/postgres.sh start");
    }
}
