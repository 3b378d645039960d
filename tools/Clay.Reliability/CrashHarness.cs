using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;

namespace Clay.Reliability;

/// <summary>How the crash harness runs.</summary>
public sealed record CrashOptions
{
    /// <summary>Kill/restart cycles.</summary>
    public int Cycles { get; init; } = 100;

    /// <summary>Concurrent clients; each owns <see cref="WorkersPerClient"/> ledgers.</summary>
    public int Clients { get; init; } = 16;

    /// <summary>Ledgers per client.</summary>
    public int WorkersPerClient { get; init; } = 2;

    /// <summary>The shortest and longest time the load runs before the server is killed.</summary>
    public TimeSpan MinRun { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <inheritdoc cref="MinRun"/>
    public TimeSpan MaxRun { get; init; } = TimeSpan.FromMilliseconds(1500);

    /// <summary>
    /// Invocations that must be acknowledged after each restart before the next kill is timed, so a
    /// slow machine still puts every cycle under load (waits at most a minute).
    /// </summary>
    public int MinAcknowledgedPerCycle { get; init; } = 20;

    /// <summary>Every this many cycles the server is stopped with SIGTERM instead of SIGKILL (0: never).</summary>
    public int TerminateEvery { get; init; } = 5;

    /// <summary>The fraction of operations that are charges (an external HTTP effect).</summary>
    public double ChargeShare { get; init; } = 0.15;

    /// <summary>Seed of the random choices (kill moments, operations).</summary>
    public int Seed { get; init; } = Environment.TickCount;

    /// <summary>Where the published clay-server is.</summary>
    public string BinDirectory { get; init; } = ClayServerProcess.FindBin();

    /// <summary>Progress lines.</summary>
    public Action<string> Log { get; init; } = Console.WriteLine;
}

/// <summary>What the harness saw and verified.</summary>
public sealed record CrashReport(int Cycles, int Seed, long Acknowledged, long Lost, long Duplicated, long AppliedWithoutAck, long Retried,
    long ChargesAcknowledged, long ChargeCalls, long ChargesRepeated, long ChargesUnknown, long FailedWorkers, IReadOnlyList<string> Violations, TimeSpan Elapsed)
{
    /// <summary>True when nothing acknowledged was lost, nothing ran twice and no worker failed.</summary>
    public bool Passed => Violations.Count == 0;
}

/// <summary>
/// Drives the ledger workload from many clients against a real server, kills the server with
/// SIGKILL (or stops it with SIGTERM) at random moments, restarts it, and repeats. Every client
/// records which invocations were acknowledged and retries unanswered ones with the same
/// idempotency key. At the end every ledger is read back and checked from the outside.
/// </summary>
public static class CrashHarness
{
    private const string Component = "reliability:ledger";

    /// <summary>Runs the harness.</summary>
    public static async Task<CrashReport> RunAsync(CrashOptions options, CancellationToken cancellationToken = default)
    {
        var stopwatch = Stopwatch.StartNew();
        var random = new Random(options.Seed);
        var root = Path.Combine(Path.GetTempPath(), "clay-crash-" + Guid.NewGuid().ToString("N"));
        using var service = new CountingService();
        await using var server = new ClayServerProcess(options.BinDirectory, Path.Combine(root, "data"), "--snapshot-every", "20");
        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false, MaxConnectionsPerServer = 256 })
        {
            BaseAddress = server.Url,
            Timeout = TimeSpan.FromSeconds(30),
        };
        try
        {
            await server.StartAsync(TimeSpan.FromSeconds(60));
            http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", server.Token);
            await server.DeployLedgerAsync(http, Component);

            var ledger = new ConcurrentBag<Operation>();
            using var stop = new CancellationTokenSource();
            var clients = Enumerable.Range(0, options.Clients)
                .Select(c => Task.Run(() => ClientAsync(c, options, http, service.Url, ledger, stop.Token), CancellationToken.None))
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
                var run = options.MinRun + (options.MaxRun - options.MinRun) * random.NextDouble();
                await Task.Delay(run, cancellationToken);
                var terminate = options.TerminateEvery > 0 && cycle % options.TerminateEvery == 0;
                if (terminate)
                {
                    var code = await server.TerminateAsync(TimeSpan.FromSeconds(60));
                    if (code != 0) throw new InvalidOperationException($"clay-server exited with {code} on SIGTERM:\n{server.Tail()}");
                }
                else
                {
                    await server.KillAsync();
                }
                await server.StartAsync(TimeSpan.FromSeconds(60));
                if (cycle % 10 == 0 || cycle == options.Cycles)
                {
                    options.Log($"  cycle {cycle}/{options.Cycles}: {ledger.Count(o => o.Acknowledged)} acknowledged so far");
                }
            }

            // Let every client finish the operation it has in hand (retrying it until answered).
            await stop.CancelAsync();
            await Task.WhenAll(clients).WaitAsync(TimeSpan.FromMinutes(2), cancellationToken);
            return await VerifyAsync(options, http, service, [.. ledger], stopwatch.Elapsed);
        }
        finally
        {
            await server.KillAsync();
            try { Directory.Delete(root, recursive: true); } catch (IOException) { }
        }
    }

    /// <summary>One operation a client made, and how it ended.</summary>
    private sealed record Operation(string Worker, string Id, bool Charge)
    {
        public bool Acknowledged { get; set; }

        /// <summary>The server answered with a definite failure (for a charge: its outcome was unknown after a crash).</summary>
        public bool Refused { get; set; }

        public int Attempts { get; set; }
    }

    private static async Task ClientAsync(int client, CrashOptions options, HttpClient http, string chargeUrl, ConcurrentBag<Operation> ledger,
        CancellationToken stop)
    {
        var random = new Random(options.Seed * 31 + client);
        var sequence = 0;
        while (!stop.IsCancellationRequested)
        {
            var worker = $"w{client}-{random.Next(options.WorkersPerClient)}";
            var operation = new Operation(worker, $"c{client}-{++sequence}", random.NextDouble() < options.ChargeShare);
            ledger.Add(operation);
            // Retried with the same idempotency key until the server answers, also across restarts.
            while (true)
            {
                operation.Attempts++;
                var outcome = await InvokeAsync(http, operation, chargeUrl);
                if (outcome == Outcome.Acknowledged) { operation.Acknowledged = true; break; }
                if (outcome == Outcome.Refused) { operation.Refused = true; break; }
                await WaitForServerAsync(http);
            }
        }
    }

    private enum Outcome { Acknowledged, Refused, NoAnswer }

    private static async Task<Outcome> InvokeAsync(HttpClient http, Operation operation, string chargeUrl)
    {
        var body = operation.Charge
            ? new { function = "charge", args = new[] { Quote(chargeUrl), Quote(operation.Id) }, idempotencyKey = operation.Id }
            : new { function = "add", args = new[] { Quote(operation.Id) }, idempotencyKey = operation.Id };
        try
        {
            using var response = await http.PostAsJsonAsync($"v1/components/{Component}/workers/{operation.Worker}/invoke", body);
            if (response.IsSuccessStatusCode) return Outcome.Acknowledged;
            var text = await response.Content.ReadAsStringAsync();
            // invocation-failed is a recorded outcome (a charge whose effect was cut by a crash); anything else is retried.
            return text.Contains("\"invocation-failed\"", StringComparison.Ordinal) ? Outcome.Refused : Outcome.NoAnswer;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or IOException)
        {
            return Outcome.NoAnswer;
        }
    }

    private static async Task WaitForServerAsync(HttpClient http)
    {
        var deadline = Stopwatch.GetTimestamp() + Stopwatch.Frequency * 120;
        while (Stopwatch.GetTimestamp() < deadline)
        {
            try
            {
                using var response = await http.GetAsync("health");
                if (response.IsSuccessStatusCode) return;
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or IOException)
            {
                // Down: it is being restarted.
            }
            await Task.Delay(20);
        }
    }

    private static string Quote(string text) => JsonSerializer.Serialize(text);

    private static async Task<CrashReport> VerifyAsync(CrashOptions options, HttpClient http, CountingService service, List<Operation> operations,
        TimeSpan elapsed)
    {
        var violations = new List<string>();
        long lost = 0, duplicated = 0, appliedWithoutAck = 0, failedWorkers = 0, chargesRepeated = 0;
        foreach (var byWorker in operations.GroupBy(o => o.Worker))
        {
            var worker = byWorker.Key;
            using (var info = JsonDocument.Parse(await http.GetStringAsync($"v1/components/{Component}/workers/{worker}")))
            {
                var status = info.RootElement.GetProperty("status").GetString();
                if (status is "Failed" or "failed")
                {
                    failedWorkers++;
                    violations.Add($"{worker} is {status}: {info.RootElement}");
                }
            }
            var entries = await ReadListAsync(http, worker, "entries");
            var charges = await ReadListAsync(http, worker, "charges");
            foreach (var group in entries.Concat(charges).GroupBy(e => e).Where(g => g.Count() > 1))
            {
                duplicated++;
                violations.Add($"{worker}: {group.Key} recorded {group.Count()} times");
            }
            var known = byWorker.ToDictionary(o => o.Id);
            foreach (var id in entries.Concat(charges))
            {
                if (!known.TryGetValue(id, out var operation) || !operation.Acknowledged) appliedWithoutAck++;
            }
            foreach (var operation in byWorker.Where(o => o.Acknowledged))
            {
                var present = (operation.Charge ? charges : entries).Count(e => e == operation.Id);
                if (present == 0)
                {
                    lost++;
                    violations.Add($"{worker}: acknowledged {operation.Id} is missing");
                }
            }
        }
        foreach (var (id, calls) in service.Calls.Where(c => c.Value > 1))
        {
            chargesRepeated++;
            violations.Add($"charge {id} reached the external service {calls} times");
        }
        foreach (var operation in operations.Where(o => o.Charge && o.Acknowledged))
        {
            if (service.Calls.GetValueOrDefault(operation.Id) != 1)
            {
                violations.Add($"acknowledged charge {operation.Id} reached the external service {service.Calls.GetValueOrDefault(operation.Id)} times");
            }
        }
        return new CrashReport(options.Cycles, options.Seed, operations.Count(o => o.Acknowledged), lost, duplicated, appliedWithoutAck,
            operations.Count(o => o.Attempts > 1), operations.Count(o => o.Charge && o.Acknowledged), service.Calls.Values.Sum(),
            chargesRepeated, operations.Count(o => o.Charge && o.Refused), failedWorkers, violations, elapsed);
    }

    private static async Task<List<string>> ReadListAsync(HttpClient http, string worker, string function)
    {
        using var response = await http.PostAsJsonAsync($"v1/components/{Component}/workers/{worker}/invoke", new { function, args = Array.Empty<string>() });
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"{worker} {function}: {(int)response.StatusCode} {text}");
        using var json = JsonDocument.Parse(text);
        return json.RootElement.GetProperty("result").GetProperty("json").EnumerateArray().Select(e => e.GetString()!).ToList();
    }
}
