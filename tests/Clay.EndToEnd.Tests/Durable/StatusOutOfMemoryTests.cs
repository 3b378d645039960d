using System.Text.Json.Nodes;

namespace Clay.EndToEnd.Tests.Durable;

/// <summary>
/// A worker that is not in memory shows its real status — Suspended, Retrying, Interrupted, Failed —
/// in `clay worker get` and `clay worker list` (with and without --precise), not Idle: after it was
/// evicted in that state, and after the server was killed and started again.
/// </summary>
[Trait("Category", "EndToEnd")]
public sealed class StatusOutOfMemoryTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task Workers_out_of_memory_show_their_stored_status_before_and_after_a_restart()
    {
        using var service = new CountingHttpServer();
        // Retries far apart, so that a retrying worker stays Retrying for the whole test.
        await using var clay = await SleeperServer.StartAsync("--retry-attempts", "3", "--retry-delay", "10m");

        // Suspended: asleep for ten minutes, then evicted.
        await clay.EnqueueAsync("napper", "nap", "600000");
        await SleeperServer.WaitUntilAsync(async () => await clay.StatusAsync("napper") == "Suspended", Bound, () => clay.Output);
        // Retrying: its service fails transiently; the next attempt is ten minutes away.
        service.Fail("down", int.MaxValue);
        await clay.EnqueueAsync("retrier", "unsteady", $"\"{service.Url}down\"");
        await SleeperServer.WaitUntilAsync(async () => await clay.StatusAsync("retrier") == "Retrying", Bound, () => clay.Output);
        // Interrupted while it waits for a promise.
        var promise = await clay.InvokeAsync("stopped", "promise");
        await clay.EnqueueAsync("stopped", "wait-for", promise);
        await SleeperServer.WaitUntilAsync(async () => await clay.StatusAsync("stopped") == "Suspended", Bound, () => clay.Output);
        await OkAsync(clay, "worker", "interrupt", $"{SleeperServer.Component}/stopped");
        // Failed: its code does something else once it is rebuilt, which replay finds out.
        Assert.Equal("\"drifted\"", await clay.InvokeAsync("drifter", "drift"));
        Assert.True(await clay.EvictAsync("drifter"));
        var (status, body) = await clay.TryInvokeAsync("drifter", "echo", "\"again\"");
        Assert.True(status >= 400, $"{status} {body}");
        Assert.Equal("Failed", await clay.StatusAsync("drifter"));

        var expected = new Dictionary<string, string>
        {
            ["napper"] = "Suspended", ["retrier"] = "Retrying", ["stopped"] = "Interrupted", ["drifter"] = "Failed",
        };
        foreach (var worker in expected.Keys) Assert.True(await clay.EvictAsync(worker), $"{worker} ({expected[worker]}) stayed in memory");
        await ExpectAsync(clay, expected, "evicted", outOfMemory: true);

        await clay.KillAndRestartAsync();
        // Start-up recovery may bring a worker with a wake-up back; what it shows is the same.
        await ExpectAsync(clay, expected, "after a restart", outOfMemory: false);
        var failed = await OkAsync(clay, "worker", "get", $"{SleeperServer.Component}/drifter");
        Assert.Contains("nondeterminism detected", failed, StringComparison.Ordinal);
    }

    /// <summary>Each worker's status as `worker get`, `worker list` and `worker list --precise` show it, and that the listing left it out of memory.</summary>
    private static async Task ExpectAsync(SleeperServer clay, Dictionary<string, string> expected, string when, bool outOfMemory)
    {
        foreach (var (worker, status) in expected)
        {
            var shown = JsonNode.Parse(await OkAsync(clay, "--format", "json", "worker", "get", $"{SleeperServer.Component}/{worker}"))!;
            Assert.True(status == shown["status"]!.GetValue<string>(), $"{worker} {when}: worker get shows {shown["status"]}, not {status}");
            var text = await OkAsync(clay, "worker", "get", $"{SleeperServer.Component}/{worker}");
            Assert.Matches($@"(?m)^Status\s*:?\s+{status}\s*$", text);
        }
        foreach (var precise in new[] { false, true })
        {
            var args = new List<string> { "--format", "json", "worker", "list", SleeperServer.Component, "--max-count", "100" };
            if (precise) args.Add("--precise");
            var listed = JsonNode.Parse(await OkAsync(clay, [.. args]))!["workers"]!.AsArray()
                .ToDictionary(w => w!["workerName"]!.GetValue<string>(), w => (Status: w!["status"]!.GetValue<string>(), Resident: w["resident"]!.GetValue<bool>()));
            foreach (var (worker, status) in expected)
            {
                Assert.True(status == listed[worker].Status, $"{worker} {when}: worker list{(precise ? " --precise" : "")} shows {listed[worker].Status}, not {status}");
                Assert.False(outOfMemory && listed[worker].Resident, $"{worker} {when}: listed as in memory");
            }
            string[] tableArgs = precise
                ? ["worker", "list", SleeperServer.Component, "--filter", "name == drifter", "--precise"]
                : ["worker", "list", SleeperServer.Component, "--filter", "name == drifter"];
            var table = await OkAsync(clay, tableArgs);
            Assert.Contains("Failed", table, StringComparison.Ordinal);
        }
    }

    private static async Task<string> OkAsync(SleeperServer clay, params string[] args)
    {
        var run = await clay.ClayAsync(args);
        Assert.True(run.ExitCode == 0, $"clay {run.Command}: {run.ExitCode}\n{run.StdOut}\n{run.StdErr}");
        return run.StdOut;
    }
}
