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

    public static async Task RunAsync(int client, CrashOptions options, HttpClient http, string chargeUrl, ConcurrentBag<Operation> ledger,
        CancellationToken stop, CancellationToken abandon)
    {
        var random = new Random(options.Seed * 31 + client);
        var sequence = 0;
        while (!stop.IsCancellationRequested)
        {
            var worker = $"w{client}-{random.Next(options.WorkersPerClient)}";
            sequence++;
            var operation = new Operation(worker, $"c{client}-{sequence}", client, sequence, random.NextDouble() < options.ChargeShare);
            ledger.Add(operation);
            while (!abandon.IsCancellationRequested)
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
            operation.LastError = $"{(int)response.StatusCode} {text}";
            // invocation-failed is a recorded outcome (a charge whose effect was cut by a crash); anything else is retried.
            return text.Contains("\"invocation-failed\"", StringComparison.Ordinal) ? Outcome.Refused : Outcome.NoAnswer;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or IOException)
        {
            operation.LastError = ex.Message;
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
}
