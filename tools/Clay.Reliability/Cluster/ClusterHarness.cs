using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;

namespace Clay.Reliability.Cluster;

/// <summary>
/// Runs the ledger workload against a cluster of real <c>clay-server</c> nodes sharing one
/// PostgreSQL database, each client talking first to its own node and moving to another when that
/// one does not answer. Midway it kills one node with SIGKILL, keeps the load going on the
/// survivors, restarts the killed node so it rejoins, and at the end reads every ledger back through
/// the rejoined node and checks it from the outside (<see cref="LedgerVerifier"/>).
/// </summary>
public static class ClusterHarness
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(3);

    /// <summary>How long a phase may take before the harness gives up on it (a broken cluster, not a slow one).</summary>
    private static readonly TimeSpan PhaseTimeout = TimeSpan.FromMinutes(4);

    /// <summary>Runs the harness.</summary>
    public static async Task<ClusterReport> RunAsync(ClusterOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var stopwatch = Stopwatch.StartNew();
        var root = options.Root ?? Path.Combine(Path.GetTempPath(), "clay-cluster-" + Guid.NewGuid().ToString("N"));
        await using var database = await ScratchDatabase.CreateAsync(options.PostgresUrl);
        options.Log($"  database {database.Name}, {options.Nodes} nodes, {options.Clients} clients, seed {options.Seed}");
        using var service = new CountingService();
        var nodes = Enumerable.Range(0, options.Nodes)
            .Select(i => new ClayServerProcess(options.BinDirectory, Path.Combine(root, $"node{i}"), ["--cluster", database.Url, .. options.NodeArguments]))
            .ToList();
        var http = nodes.Select(n => new HttpClient(new SocketsHttpHandler { UseProxy = false, MaxConnectionsPerServer = 256 })
        {
            BaseAddress = n.Url,
            Timeout = TimeSpan.FromSeconds(60),
        }).ToList();
        var victim = options.Nodes - 1;
        try
        {
            await nodes[0].StartAsync(StartTimeout);
            await Task.WhenAll(nodes.Skip(1).Select(n => n.StartAsync(StartTimeout)));
            // The nodes of a cluster share one access token.
            foreach (var client in http) client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", nodes[0].Token);
            await UntilAsync(async () => (await StatusAsync(http[0])).Count(n => n.Status == "Active") == options.Nodes, "every node active");
            await nodes[0].DeployLedgerAsync(http[0], LedgerClient.Component);

            var ledger = new ConcurrentBag<Operation>();
            var crash = new CrashOptions { Seed = options.Seed, WorkersPerClient = options.WorkersPerClient, ChargeShare = options.ChargeShare, BinDirectory = options.BinDirectory };
            // Each client's ledgers get their first call through its own node, so every node holds workers
            // when the load starts (placement follows the first call) and the one killed certainly had some.
            for (var i = 0; i < options.Nodes; i++)
            {
                var node = i;
                var placed = await WorkerPlacement.PlaceAsync(http[node],
                    [.. Enumerable.Range(0, options.Clients).Where(c => c % options.Nodes == node).SelectMany(c => LedgerClient.Workers(c, crash))]);
                options.Log($"  {placed} workers placed on node {node}");
            }
            using var stop = new CancellationTokenSource();
            using var abandon = new CancellationTokenSource();
            var clients = Enumerable.Range(0, options.Clients)
                .Select(c => Task.Run(() => LedgerClient.RunAsync(c, crash, http, service.Url, ledger, stop.Token, abandon.Token), CancellationToken.None))
                .ToArray();
            long Acknowledged() => ledger.Count(o => o.Acknowledged);

            await UntilAsync(() => Task.FromResult(Acknowledged() >= options.AcknowledgedPerPhase), $"{options.AcknowledgedPerPhase} acknowledgements");
            var resident = (await StatusAsync(http[victim])).Single(n => n.Self).ResidentWorkers;
            var before = Acknowledged();
            await nodes[victim].KillAsync();
            var killed = Stopwatch.StartNew();
            options.Log($"  killed node {victim} ({resident} workers resident) after {before} acknowledgements");
            var declaredDead = TimeSpan.Zero;
            await UntilAsync(async () =>
            {
                if (declaredDead == TimeSpan.Zero && (await StatusAsync(http[0])).Any(n => n.Url == NodeUrl(nodes[victim]) && n.Status == "Dead"))
                {
                    declaredDead = killed.Elapsed;
                }
                return declaredDead > TimeSpan.Zero && Acknowledged() >= 2 * before;
            }, "the survivors to declare the node dead and carry the load");
            var failover = killed.Elapsed;
            options.Log($"  declared dead after {declaredDead.TotalSeconds:F1} s; {Acknowledged()} acknowledgements after {failover.TotalSeconds:F1} s");

            if (options.AfterFailover is { } check) await check([.. nodes.Take(victim).Select(n => n.Url)], nodes[victim].Url);

            await nodes[victim].StartAsync(StartTimeout);
            await UntilAsync(async () => (await StatusAsync(http[victim])).Count(n => n.Status == "Active") == options.Nodes, "the killed node to rejoin");
            var rejoined = Acknowledged();
            long ByVictim() => ledger.Count(o => o.Acknowledged && o.Node == victim);
            var byVictimBefore = ByVictim();
            await UntilAsync(() => Task.FromResult(ByVictim() > byVictimBefore && Acknowledged() >= rejoined + options.AcknowledgedPerPhase / 2),
                "the rejoined node to acknowledge invocations");

            var clientFailures = await LedgerClient.FinishAsync(clients, stop, abandon, cancellationToken);
            var operations = ledger.ToList();
            var verifier = new LedgerVerifier(http[victim], service);
            verifier.Unanswered(operations, clientFailures, "2 minutes after the load stopped");
            await verifier.VerifyAsync(operations);
            var byNode = Enumerable.Range(0, options.Nodes).Select(i => (long)operations.Count(o => o.Acknowledged && o.Node == i)).ToList();
            return new ClusterReport(options.Seed, operations.Count(o => o.Acknowledged), byNode, resident ?? 0, failover, declaredDead,
                byNode[victim] - byVictimBefore, verifier.Lost,
                verifier.Duplicated, verifier.Unexpected, operations.Count(o => o.Attempts > 1), verifier.ChargesRepeated, verifier.Violations, stopwatch.Elapsed);
        }
        catch (Exception ex) when (ex is TimeoutException or InvalidOperationException)
        {
            throw new InvalidOperationException($"{ex.Message}\n{string.Join("\n", nodes.Select((n, i) => $"--- node {i}:\n{n.Tail(30)}"))}", ex);
        }
        finally
        {
            foreach (var node in nodes) await node.KillAsync();
            foreach (var client in http) client.Dispose();
            try { Directory.Delete(root, recursive: true); } catch (IOException) { }
        }
    }

    /// <summary>The node's REST address as it names itself in the membership.</summary>
    public static string NodeUrl(ClayServerProcess node) => node.Url.ToString().TrimEnd('/');

    /// <summary>A node's view of the cluster: <c>GET /v1/cluster/nodes</c>.</summary>
    public static async Task<IReadOnlyList<NodeView>> StatusAsync(HttpClient http)
    {
        try
        {
            using var response = await http.GetAsync("v1/cluster/nodes");
            if (!response.IsSuccessStatusCode) return [];
            using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            return json.RootElement.GetProperty("nodes").EnumerateArray().Select(n => new NodeView(n.GetProperty("url").GetString()!,
                n.GetProperty("status").GetString()!, n.GetProperty("self").GetBoolean(),
                n.GetProperty("residentWorkers").ValueKind == JsonValueKind.Number ? n.GetProperty("residentWorkers").GetInt32() : null)).ToList();
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or IOException)
        {
            return [];
        }
    }

    private static async Task UntilAsync(Func<Task<bool>> condition, string what)
    {
        var waited = Stopwatch.StartNew();
        while (!await condition())
        {
            if (waited.Elapsed > PhaseTimeout) throw new TimeoutException($"gave up waiting {PhaseTimeout.TotalMinutes:F0} min for {what}");
            await Task.Delay(50);
        }
    }
}

/// <summary>A node as another node lists it.</summary>
/// <param name="Url">Its REST address.</param>
/// <param name="Status">Its membership status.</param>
/// <param name="Self">True for the node that answered.</param>
/// <param name="ResidentWorkers">Workers in its memory, when it answered.</param>
public sealed record NodeView(string Url, string Status, bool Self, int? ResidentWorkers);
