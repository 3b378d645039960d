using System.Diagnostics;
using System.Net.Http.Json;

namespace Clay.Reliability.Cluster;

/// <summary>
/// Puts workers on a chosen node before the load starts. A worker is activated on the node that
/// received its first call, so each of them gets a first call through that node — <c>entries</c>,
/// a read that adds nothing to the ledger — and the node must then report them resident.
/// </summary>
public static class WorkerPlacement
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    /// <summary>
    /// Sends each of <paramref name="workers"/> its first call through <paramref name="node"/> and
    /// waits until that node holds at least as many workers as it was given.
    /// </summary>
    /// <returns>The workers the node reports resident.</returns>
    /// <exception cref="TimeoutException">A call was not answered, or the node does not hold them, within two minutes.</exception>
    public static async Task<int> PlaceAsync(HttpClient node, IReadOnlyCollection<string> workers)
    {
        ArgumentNullException.ThrowIfNull(node);
        ArgumentNullException.ThrowIfNull(workers);
        var waited = Stopwatch.StartNew();
        foreach (var worker in workers)
        {
            string? lastError = null;
            while (true)
            {
                if (waited.Elapsed > Timeout) throw new TimeoutException($"the first call of {worker} through {node.BaseAddress} was not answered: {lastError}");
                try
                {
                    using var response = await node.PostAsJsonAsync($"v1/components/{LedgerClient.Component}/workers/{worker}/invoke",
                        new { function = "entries", args = Array.Empty<string>() });
                    if (response.StatusCode == System.Net.HttpStatusCode.OK) break;
                    lastError = $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}";
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or IOException)
                {
                    lastError = ex.Message;
                }
                await Task.Delay(100);
            }
        }
        while (true)
        {
            var resident = (await ClusterHarness.StatusAsync(node)).SingleOrDefault(n => n.Self)?.ResidentWorkers ?? 0;
            if (resident >= workers.Count) return resident;
            if (waited.Elapsed > Timeout)
            {
                throw new TimeoutException($"{node.BaseAddress} holds {resident} workers after the first calls of {workers.Count} went through it");
            }
            await Task.Delay(100);
        }
    }
}
