using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;

namespace Clay.Reliability;

/// <summary>
/// A client of the ledger workload: invokes <c>add</c> and <c>charge</c> on its own ledgers one at a
/// time, and retries an unanswered invocation with the same idempotency key until it is answered,
/// across restarts.
/// </summary>
internal static class LedgerClient
{
    public const string Component = "reliability:ledger";

    public static Task RunAsync(int client, CrashOptions options, HttpClient http, string chargeUrl, ConcurrentBag<Operation> ledger,
        CancellationToken stop, CancellationToken abandon) => RunAsync(client, options, [http], chargeUrl, ledger, stop, abandon);

    /// <summary>
    /// Runs against several nodes of one cluster: each operation goes first to the client's own node
    /// (<paramref name="client"/> modulo their number), and an unanswered one is retried on the next
    /// node that answers its health check.
    /// </summary>
    public static async Task RunAsync(int client, CrashOptions options, IReadOnlyList<HttpClient> nodes, string chargeUrl, ConcurrentBag<Operation> ledger,
        CancellationToken stop, CancellationToken abandon)
    {
        var random = new Random(options.Seed * 31 + client);
        var home = client % nodes.Count;
        var sequence = 0;
        while (!stop.IsCancellationRequested)
        {
            var worker = WorkerName(client, random.Next(options.WorkersPerClient));
            sequence++;
            var operation = new Operation(worker, $"c{client}-{sequence}", client, sequence, random.NextDouble() < options.ChargeShare);
            ledger.Add(operation);
            var node = home;
            while (!abandon.IsCancellationRequested)
            {
                operation.Attempts++;
                var attemptAt = Stopwatch.GetTimestamp();
                operation.LastAttemptAt = attemptAt;
                var outcome = await InvokeAsync(nodes[node], operation, chargeUrl);
                if (outcome == Outcome.Acknowledged)
                {
                    (operation.Acknowledged, operation.Node, operation.AcknowledgedAt) = (true, node, Stopwatch.GetTimestamp());
                    break;
                }
                if (outcome == Outcome.Refused) { operation.Refused = true; break; }
                operation.FailedAttemptAt = attemptAt;
                node = await WaitForServerAsync(nodes, nodes.Count == 1 ? node : (node + 1) % nodes.Count);
            }
        }
    }

    /// <summary>
    /// Lets every client finish the operation it has in hand, retrying it until answered, for up to two
    /// minutes; then abandons what is left. Returns why clients ended otherwise (none should).
    /// </summary>
    public static async Task<IReadOnlyList<string>> FinishAsync(Task[] clients, CancellationTokenSource stop, CancellationTokenSource abandon,
        CancellationToken cancellationToken)
    {
        await stop.CancelAsync();
        var answered = Task.WhenAll(clients);
        if (await Task.WhenAny(answered, Task.Delay(TimeSpan.FromMinutes(2), cancellationToken)) != answered)
        {
            await abandon.CancelAsync();
            await Task.WhenAny(answered);
        }
        return [.. clients.Where(c => c.IsFaulted).Select(c => $"a client ended with {c.Exception!.InnerException}")];
    }

    /// <summary>The ledgers client <paramref name="client"/> writes to.</summary>
    public static IEnumerable<string> Workers(int client, CrashOptions options) =>
        Enumerable.Range(0, options.WorkersPerClient).Select(w => WorkerName(client, w));

    private static string WorkerName(int client, int worker) => $"w{client}-{worker}";

    private enum Outcome { Acknowledged, Refused, NoAnswer }

    private static async Task<Outcome> InvokeAsync(HttpClient http, Operation operation, string chargeUrl)
    {
        var body = operation.Charge
            ? new { function = "charge", args = new[] { Quote(chargeUrl), Quote(operation.Id) }, idempotencyKey = operation.Id }
            : new { function = "add", args = new[] { Quote(operation.Id) }, idempotencyKey = operation.Id };
        try
        {
            using var response = await http.PostAsJsonAsync($"v1/components/{Component}/workers/{operation.Worker}/invoke", body);
            // Only a result is an acknowledgement: 202 says the invocation goes on, and is asked again.
            if (response.StatusCode == System.Net.HttpStatusCode.OK) return Outcome.Acknowledged;
            var text = await response.Content.ReadAsStringAsync();
            operation.LastError = $"{(int)response.StatusCode} {text}";
            // invocation-failed is a recorded outcome (a charge whose effect was cut by a crash); anything else is retried.
            return text.Contains("\"invocation-failed\"", StringComparison.Ordinal) ? Outcome.Refused : Outcome.NoAnswer;
        }
        catch (Exception ex)
        {
            // Whatever the transport throws while a server is killed under it, the client asks again with the same key.
            operation.LastError = ex is HttpRequestException or TaskCanceledException or IOException ? ex.Message : $"{ex.GetType().Name}: {ex.Message}";
            return Outcome.NoAnswer;
        }
    }

    /// <summary>The first node from <paramref name="first"/> on that answers its health check (waits up to two minutes in all).</summary>
    private static async Task<int> WaitForServerAsync(IReadOnlyList<HttpClient> nodes, int first)
    {
        var deadline = Stopwatch.GetTimestamp() + Stopwatch.Frequency * 120;
        var node = first;
        while (Stopwatch.GetTimestamp() < deadline)
        {
            try
            {
                using var response = await nodes[node].GetAsync("health");
                if (response.IsSuccessStatusCode) return node;
            }
            catch (Exception)
            {
                // Down: it is being restarted, or it is gone and another node takes the call.
            }
            node = (node + 1) % nodes.Count;
            if (node == first) await Task.Delay(20);
        }
        return first;
    }

    private static string Quote(string text) => JsonSerializer.Serialize(text);
}
