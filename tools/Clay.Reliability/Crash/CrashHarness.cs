using System.Collections.Concurrent;
using System.Diagnostics;
using Clay.Reliability.PowerCut;

namespace Clay.Reliability;

/// <summary>
/// Drives the ledger workload from many clients against a real server, kills the server with
/// SIGKILL (or stops it with SIGTERM) at random moments — under load, during start-up and during
/// recovery — restarts it, and repeats. With <see cref="CrashOptions.PowerLoss"/> every stop is also
/// a power cut: the writes the server had not synced are lost. Every client records which
/// invocations were acknowledged and retries unanswered ones with the same idempotency key. At the
/// end every ledger is read back and checked from the outside (<see cref="LedgerVerifier"/>).
/// </summary>
public static class CrashHarness
{
    /// <summary>The environment variable that lowers the store's synchronous setting (UNSAFE, for tests).</summary>
    private const string UnsafeSynchronousVariable = "CLAY_UNSAFE_SQLITE_SYNCHRONOUS";

    /// <summary>Runs the harness.</summary>
    public static async Task<CrashReport> RunAsync(CrashOptions options, CancellationToken cancellationToken = default)
    {
        var stopwatch = Stopwatch.StartNew();
        var random = new Random(options.Seed);
        var root = Path.Combine(Path.GetTempPath(), "clay-crash-" + Guid.NewGuid().ToString("N"));
        var data = Path.Combine(root, "data");
        using var service = new CountingService();
        await using var server = new ClayServerProcess(options.BinDirectory, data, "--snapshot-every", "20");
        var layer = options.PowerLoss ? new PowerCutLayer(PowerCutLayer.DefaultLibrary(options.BinDirectory), data, root) : null;
        foreach (var (name, value) in layer?.Environment ?? new Dictionary<string, string>()) server.Environment[name] = value;
        if (options.UnsafeSynchronous is { } setting) server.Environment[UnsafeSynchronousVariable] = setting;
        var cuts = new List<PowerCutReport>();
        var (underLoad, duringStartUp, duringRecovery, terminated) = (0, 0, 0, 0);
        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false, MaxConnectionsPerServer = 256 })
        {
            BaseAddress = server.Url,
            Timeout = TimeSpan.FromSeconds(30),
        };

        void Cut()
        {
            if (layer is null) return;
            var report = layer.Cut();
            cuts.Add(report);
            options.Log($"  {report}");
        }

        try
        {
            var firstStart = Stopwatch.StartNew();
            await server.StartAsync(TimeSpan.FromSeconds(60));
            var startUpTime = firstStart.Elapsed;
            http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", server.Token);
            await server.DeployLedgerAsync(http, LedgerClient.Component);
            // The component's files are not what is examined here: count them as written back by the
            // operating system, as they would be within half a minute.
            if (options.SettleAfterDeploy) layer?.Settle();

            var ledger = new ConcurrentBag<Operation>();
            using var stop = new CancellationTokenSource();
            using var abandon = new CancellationTokenSource();
            var clients = Enumerable.Range(0, options.Clients)
                .Select(c => Task.Run(() => LedgerClient.RunAsync(c, options, http, service.Url, ledger, stop.Token, abandon.Token), CancellationToken.None))
                .ToArray();

            for (var cycle = 1; cycle <= options.Cycles; cycle++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var wanted = ledger.Count(o => o.Acknowledged) + options.MinAcknowledgedPerCycle;
                var patience = Stopwatch.StartNew();
                while (ledger.Count(o => o.Acknowledged) < wanted && patience.Elapsed < TimeSpan.FromMinutes(1))
                {
                    await Task.Delay(20, cancellationToken);
                }
                await Task.Delay(Between(random, options.MinRun, options.MaxRun), cancellationToken);
                if (options.TerminateEvery > 0 && cycle % options.TerminateEvery == 0)
                {
                    var code = await server.TerminateAsync(TimeSpan.FromSeconds(60));
                    if (code != 0) throw new InvalidOperationException($"clay-server exited with {code} on SIGTERM:\n{server.Tail()}");
                    terminated++;
                }
                else
                {
                    await server.KillAsync();
                    underLoad++;
                }
                Cut();

                // With RestartKillEvery = 3: cycle 1, 4, 7… kill the restart during start-up, 2, 5, 8… during recovery.
                var restartKill = options.RestartKillEvery >= 3 ? cycle % options.RestartKillEvery : 0;
                if (restartKill == 1)
                {
                    // Killed while starting: opening the store, laying out its log, starting the silo.
                    var ready = server.Launch();
                    _ = ready.ContinueWith(t => t.Exception, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously);
                    await Task.Delay(Between(random, TimeSpan.Zero, startUpTime / 2), cancellationToken);
                    if (ready.IsCompletedSuccessfully) duringRecovery++; else duringStartUp++;
                    await server.KillAsync();
                    Cut();
                }
                else if (restartKill == 2)
                {
                    // Killed while the clients' retries bring their workers back by replay.
                    await server.StartAsync(TimeSpan.FromSeconds(60));
                    await Task.Delay(Between(random, TimeSpan.Zero, options.RecoveryWindow), cancellationToken);
                    await server.KillAsync();
                    duringRecovery++;
                    Cut();
                }
                await server.StartAsync(TimeSpan.FromSeconds(60));
                if (cycle % 10 == 0 || cycle == options.Cycles)
                {
                    options.Log($"  cycle {cycle}/{options.Cycles}: {ledger.Count(o => o.Acknowledged)} acknowledged so far");
                }
            }

            var clientFailures = await LedgerClient.FinishAsync(clients, stop, abandon, cancellationToken);
            var operations = ledger.ToList();
            var verifier = new LedgerVerifier(http, service);
            verifier.Unanswered(operations, clientFailures, "2 minutes after the last restart");
            try
            {
                await verifier.VerifyAsync(operations);
            }
            catch (Exception ex) when (ex is InvalidOperationException or HttpRequestException)
            {
                verifier.Violations.Add($"the ledgers could not be read back: {ex.Message}");
            }
            foreach (var warning in cuts.SelectMany(c => c.Warnings).Distinct()) verifier.Violations.Add($"the power-cut layer could not undo: {warning}");
            PowerCutReport? total = layer is null ? null : new PowerCutReport(cuts.Sum(c => c.WritesUndone), cuts.Sum(c => c.BytesRestored),
                cuts.Sum(c => c.EntriesUndone), [.. cuts.SelectMany(c => c.Warnings).Distinct()]);
            return new CrashReport(options.Cycles, options.Seed, new KillCounts(underLoad, duringStartUp, duringRecovery, terminated),
                operations.Count(o => o.Acknowledged), verifier.Lost, verifier.Duplicated, verifier.Unexpected, verifier.OutOfOrder,
                operations.Count(o => o.Attempts > 1), operations.Count(o => o.Charge && o.Acknowledged), service.Calls.Values.Sum(),
                verifier.ChargesRepeated, operations.Count(o => o.Charge && o.Refused), verifier.FailedWorkers, total, verifier.Violations,
                stopwatch.Elapsed);
        }
        finally
        {
            await server.KillAsync();
            try { Directory.Delete(root, recursive: true); } catch (IOException) { }
        }
    }

    private static TimeSpan Between(Random random, TimeSpan min, TimeSpan max) => min + (max - min) * random.NextDouble();
}
