using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Clay.Reliability;

/// <summary>What the ledgers hold at the end, checked against what the clients sent and were told.</summary>
internal sealed class LedgerVerifier(HttpClient http, CountingService service)
{
    private const string Component = LedgerClient.Component;

    public List<string> Violations { get; } = [];

    public long Lost { get; private set; }

    public long Duplicated { get; private set; }

    public long Unexpected { get; private set; }

    public long OutOfOrder { get; private set; }

    public long FailedWorkers { get; private set; }

    public long ChargesRepeated { get; private set; }

    /// <summary>
    /// Counts as violations the clients that ended by an exception (<paramref name="clientFailures"/>) and
    /// the first ten operations still without an answer <paramref name="when"/> ("2 minutes after …").
    /// </summary>
    public void Unanswered(IReadOnlyList<Operation> operations, IEnumerable<string> clientFailures, string when)
    {
        foreach (var unanswered in operations.Where(o => !o.Acknowledged && !o.Refused).Take(10))
        {
            Violations.Add($"{unanswered.Worker}: {unanswered.Id} still had no answer {when}: {unanswered.LastError}");
        }
        Violations.AddRange(clientFailures);
    }

    public async Task VerifyAsync(IReadOnlyList<Operation> operations)
    {
        var sent = operations.ToDictionary(o => o.Id, StringComparer.Ordinal);
        foreach (var byWorker in operations.GroupBy(o => o.Worker))
        {
            await VerifyWorkerAsync(byWorker.Key, [.. byWorker], sent);
        }
        foreach (var (id, calls) in service.Calls.Where(c => c.Value > 1))
        {
            ChargesRepeated++;
            Violations.Add($"charge {id} reached the external service {calls} times");
        }
        foreach (var id in service.Calls.Keys.Where(id => !sent.ContainsKey(id)))
        {
            Violations.Add($"the external service received charge {id}, which no client sent");
        }
        foreach (var operation in operations.Where(o => o.Charge && o.Acknowledged))
        {
            var calls = service.Calls.GetValueOrDefault(operation.Id);
            if (calls != 1) Violations.Add($"acknowledged charge {operation.Id} reached the external service {calls} times");
        }
    }

    private async Task VerifyWorkerAsync(string worker, List<Operation> operations, Dictionary<string, Operation> sent)
    {
        // Read without creating: the invoke endpoint creates a missing worker, which would make a wiped
        // ledger look like an empty one. GET proves the worker exists before its state is read.
        using (var info = await http.GetAsync($"v1/components/{Component}/workers/{worker}"))
        {
            if (info.StatusCode == HttpStatusCode.NotFound)
            {
                foreach (var lost in operations.Where(o => o.Acknowledged))
                {
                    Lost++;
                    Violations.Add($"{worker}: acknowledged {lost.Id} is missing: the worker does not exist");
                }
                return;
            }
            var text = await info.Content.ReadAsStringAsync();
            if (!info.IsSuccessStatusCode) throw new InvalidOperationException($"GET {worker}: {(int)info.StatusCode} {text}");
            using var json = JsonDocument.Parse(text);
            var status = json.RootElement.GetProperty("status").GetString();
            if (status is "Failed" or "failed")
            {
                FailedWorkers++;
                Violations.Add($"{worker} is {status}: {json.RootElement}");
            }
        }
        var entries = await ReadListAsync(worker, "entries");
        var charges = await ReadListAsync(worker, "charges");
        foreach (var group in entries.Concat(charges).GroupBy(e => e).Where(g => g.Count() > 1))
        {
            Duplicated++;
            Violations.Add($"{worker}: {group.Key} recorded {group.Count()} times");
        }
        foreach (var (list, charge) in new[] { (entries, false), (charges, true) })
        {
            var previous = 0;
            foreach (var id in list)
            {
                if (!sent.TryGetValue(id, out var operation) || operation.Worker != worker || operation.Charge != charge)
                {
                    Unexpected++;
                    Violations.Add($"{worker}: {id} is recorded, but no client sent it as a {(charge ? "charge" : "entry")} of this ledger");
                    continue;
                }
                if (operation.Refused)
                {
                    Unexpected++;
                    Violations.Add($"{worker}: {id} was refused (invocation-failed) yet it is recorded");
                }
                else if (!operation.Acknowledged)
                {
                    Unexpected++;
                    Violations.Add($"{worker}: {id} is recorded, but its client never had an answer");
                }
                // One client owns the ledger and sends one invocation at a time: they must land in its order.
                if (operation.Sequence <= previous)
                {
                    OutOfOrder++;
                    Violations.Add($"{worker}: {id} is recorded after a later invocation of the same client");
                }
                previous = operation.Sequence;
            }
        }
        foreach (var operation in operations.Where(o => o.Acknowledged))
        {
            if (!(operation.Charge ? charges : entries).Contains(operation.Id))
            {
                Lost++;
                Violations.Add($"{worker}: acknowledged {operation.Id} is missing");
            }
        }
    }

    private async Task<List<string>> ReadListAsync(string worker, string function)
    {
        using var response = await http.PostAsJsonAsync($"v1/components/{Component}/workers/{worker}/invoke", new { function, args = Array.Empty<string>() });
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"{worker} {function}: {(int)response.StatusCode} {text}");
        using var json = JsonDocument.Parse(text);
        return json.RootElement.GetProperty("result").GetProperty("json").EnumerateArray().Select(e => e.GetString()!).ToList();
    }
}
