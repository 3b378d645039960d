using System.Collections.Concurrent;
using System.Diagnostics;
using Clay.Storage.Postgres;

namespace Clay.Reliability.Cluster;

/// <summary>
/// Two real nodes on one scratch database; the second reaches PostgreSQL through a <see cref="TcpRelay"/>.
/// Under the ledger workload the relay is cut: that node can no longer commit, so calls for the
/// workers it holds fail instead of being acknowledged, while the other node goes on serving its
/// own. Then the relay is restored, the node must serve again, and every ledger is verified through it.
/// </summary>
public static class PartitionHarness
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(3);
    private static readonly TimeSpan PhaseTimeout = TimeSpan.FromMinutes(4);

    /// <summary>Runs the harness; <see cref="ClusterOptions.Nodes"/> is ignored (always two).</summary>
    public static async Task<PartitionReport> RunAsync(ClusterOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var stopwatch = Stopwatch.StartNew();
        var root = Path.Combine(Path.GetTempPath(), "clay-partition-" + Guid.NewGuid().ToString("N"));
        await using var database = await ScratchDatabase.CreateAsync(options.PostgresUrl);
        var settings = PostgresConnectionString.Parse(database.Url);
        await using var relay = new TcpRelay(settings.Host!, settings.Port);
        var relayed = new UriBuilder(database.Url) { Host = "127.0.0.1", Port = relay.Port }.Uri.ToString();
        using var service = new CountingService();
        List<ClayServerProcess> nodes =
        [
            new(options.BinDirectory, Path.Combine(root, "node0"), ["--cluster", database.Url, .. options.NodeArguments]),
            new(options.BinDirectory, Path.Combine(root, "node1"), ["--cluster", relayed, .. options.NodeArguments]),
        ];
        var http = nodes.Select(n => new HttpClient(new SocketsHttpHandler { UseProxy = false, MaxConnectionsPerServer = 256 })
        {
            BaseAddress = n.Url,
            Timeout = TimeSpan.FromSeconds(60),
        }).ToList();
        try
        {
            await nodes[0].StartAsync(StartTimeout);
            await nodes[1].StartAsync(StartTimeout);
            // The nodes of a cluster share one access token.
            foreach (var client in http) client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", nodes[0].Token);
            await UntilAsync(async () => (await ClusterHarness.StatusAsync(http[0])).Count(n => n.Status == "Active") == 2, "both nodes active");
            await nodes[0].DeployLedgerAsync(http[0], LedgerClient.Component);

            var ledger = new ConcurrentBag<Operation>();
            var crash = new CrashOptions { Seed = options.Seed, WorkersPerClient = options.WorkersPerClient, ChargeShare = options.ChargeShare, BinDirectory = options.BinDirectory };
            // The ledgers of the clients that talk to node 1 first get their first call through it, so the node
            // to be cut certainly holds workers (placement follows the first call) whose calls it must then refuse.
            var cutWorkers = Enumerable.Range(0, options.Clients).Where(c => c % nodes.Count == 1)
                .SelectMany(c => LedgerClient.Workers(c, crash)).ToHashSet(StringComparer.Ordinal);
            await WorkerPlacement.PlaceAsync(http[1], cutWorkers);
            options.Log($"  {cutWorkers.Count} workers placed on node 1");
            using var stop = new CancellationTokenSource();
            using var abandon = new CancellationTokenSource();
            var clients = Enumerable.Range(0, options.Clients)
                .Select(c => Task.Run(() => LedgerClient.RunAsync(c, crash, http, service.Url, ledger, stop.Token, abandon.Token), CancellationToken.None))
                .ToArray();
            long Acknowledged() => ledger.Count(o => o.Acknowledged);
            await UntilAsync(() => Task.FromResult(Acknowledged() >= options.AcknowledgedPerPhase), $"{options.AcknowledgedPerPhase} acknowledgements");
            var resident = (await ClusterHarness.StatusAsync(http[1])).Single(n => n.Self).ResidentWorkers ?? 0;

            relay.Cut();
            var cutAt = Stopwatch.GetTimestamp();
            var atCut = Acknowledged();
            long FailedOnCutNode() => ledger.Count(o => cutWorkers.Contains(o.Worker) && o.LastError is not null);
            var failedBefore = FailedOnCutNode();
            options.Log($"  cut node 1 from PostgreSQL ({resident} workers resident) after {atCut} acknowledgements");
            // The cut lasts until the other node has carried on and a call for the cut node's workers sent after the
            // cut has failed: then the check below is about calls that really met the cut, not only ones in flight.
            await UntilAsync(() => Task.FromResult(Acknowledged() >= atCut + 10 && FailedOnCutNode() > failedBefore
                && ledger.Any(o => cutWorkers.Contains(o.Worker) && o.FailedAttemptAt > cutAt)),
                "the other node to carry on and the cut one to refuse a call sent after the cut");
            var duringCut = Acknowledged() - atCut;
            var refusedDuringCut = FailedOnCutNode() - failedBefore;
            var restoredAt = Stopwatch.GetTimestamp();
            relay.Restore();
            // A call (or a retry) sent to a cut-off worker after the cut cannot be committed: an answer to one would be a lie.
            var sentToCutWorkers = ledger.Where(o => cutWorkers.Contains(o.Worker) && o.LastAttemptAt > cutAt).ToList();
            var acknowledgedByCutWorkers = sentToCutWorkers.Count(o => o.Acknowledged && o.AcknowledgedAt < restoredAt);
            options.Log($"  restored after {Stopwatch.GetElapsedTime(cutAt, restoredAt).TotalSeconds:F1} s and {duringCut} acknowledgements during the cut; "
                + $"{refusedDuringCut} calls for the cut node's workers failed, {sentToCutWorkers.Count} were sent (or retried) to them after the cut, {acknowledgedByCutWorkers} of those answered");

            long ByCutNode() => ledger.Count(o => o.Acknowledged && o.Node == 1);
            var byCutNodeBefore = ByCutNode();
            var restored = Acknowledged();
            await UntilAsync(() => Task.FromResult(ByCutNode() > byCutNodeBefore && Acknowledged() >= restored + options.AcknowledgedPerPhase / 2),
                "the reconnected node to acknowledge again");

            var clientFailures = await LedgerClient.FinishAsync(clients, stop, abandon, CancellationToken.None);
            var operations = ledger.ToList();
            var verifier = new LedgerVerifier(http[1], service);
            verifier.Unanswered(operations, clientFailures, "2 minutes after the load stopped");
            await verifier.VerifyAsync(operations);
            return new PartitionReport(options.Seed, operations.Count(o => o.Acknowledged), cutWorkers.Count, resident, duringCut, refusedDuringCut,
                sentToCutWorkers.Count, acknowledgedByCutWorkers, ByCutNode() - byCutNodeBefore, relay.Refused, verifier.Lost, verifier.Duplicated, verifier.Unexpected, verifier.Violations, stopwatch.Elapsed);
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

/// <summary>What the partition harness saw and verified.</summary>
/// <param name="Seed">The seed.</param>
/// <param name="Acknowledged">Invocations acknowledged.</param>
/// <param name="PlacedOnCutNode">Workers whose first call went through the node to be cut, so that it held them.</param>
/// <param name="ResidentOnCutNode">Workers in the cut node's memory when it was cut.</param>
/// <param name="AcknowledgedDuringCut">Invocations acknowledged while the node was cut off (by the other node's workers).</param>
/// <param name="FailedDuringCut">Calls for the cut node's workers that failed while it was cut off.</param>
/// <param name="SentToCutWorkersDuringCut">Calls for the cut node's workers sent, or sent again, after the cut began.</param>
/// <param name="AcknowledgedByCutWorkersDuringCut">Of those, the ones answered with a result before the cut ended: must be none.</param>
/// <param name="AcknowledgedByCutNodeAfter">Invocations the cut node acknowledged after it was reconnected.</param>
/// <param name="ConnectionsRefused">Connections to PostgreSQL the relay refused while cut.</param>
/// <param name="Lost">Acknowledged invocations missing at the end.</param>
/// <param name="Duplicated">Entries recorded more than once.</param>
/// <param name="Unexpected">Entries no client sent, sent but refused, or never acknowledged.</param>
/// <param name="Violations">Every broken promise, one line each.</param>
/// <param name="Elapsed">Wall time.</param>
public sealed record PartitionReport(int Seed, long Acknowledged, int PlacedOnCutNode, int ResidentOnCutNode, long AcknowledgedDuringCut, long FailedDuringCut,
    long SentToCutWorkersDuringCut, long AcknowledgedByCutWorkersDuringCut, long AcknowledgedByCutNodeAfter, int ConnectionsRefused, long Lost, long Duplicated, long Unexpected, IReadOnlyList<string> Violations, TimeSpan Elapsed)
{
    /// <summary>True when nothing acknowledged was lost, nothing ran twice or out of order and nothing foreign appeared.</summary>
    public bool Passed => Violations.Count == 0;
}
