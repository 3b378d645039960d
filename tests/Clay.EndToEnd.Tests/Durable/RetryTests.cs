namespace Clay.EndToEnd.Tests.Durable;

/// <summary>
/// Invocation-level retries on a real server with a short policy (three attempts, 0.2 s apart): a
/// transient failure twice then success answers once; failures without end leave the worker Failed,
/// still Failed after a kill -9, and `clay worker resume` finishes it once the service is back; an
/// ordinary exception fails only its invocation.
/// </summary>
[Trait("Category", "EndToEnd")]
public sealed class RetryTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task Transient_failures_are_retried_then_fail_the_worker_which_stays_failed_after_a_restart_until_resumed()
    {
        using var service = new CountingHttpServer();
        await using var clay = await SleeperServer.StartAsync("--retry-attempts", "3", "--retry-delay", "0.2s");

        service.Fail("flaky", 2);
        Assert.Equal("\"flaky answered on call 3\"", await clay.InvokeAsync("flaky", "unsteady", $"\"{service.Url}flaky\""));
        Assert.Equal(3, service.Hits("flaky"));

        service.Fail("down", int.MaxValue);
        var (status, body) = await clay.TryInvokeAsync("down", "unsteady", $"\"{service.Url}down\"");
        Assert.True(status >= 400, $"{status} {body}");
        await SleeperServer.WaitUntilAsync(async () => await StatusAsync(clay, "down") == "Failed", Bound, () => clay.Output);
        Assert.Equal(3, service.Hits("down"));

        await clay.KillAndRestartAsync();
        Assert.Equal("Failed", await StatusAsync(clay, "down"));
        var shown = await clay.ClayAsync("worker", "get", $"{SleeperServer.Component}/down");
        Assert.Contains("Failed", shown.StdOut, StringComparison.Ordinal);
        Assert.Contains("down is unavailable", shown.StdOut, StringComparison.Ordinal);
        Assert.Equal(3, service.Hits("down"));

        service.Fail("down", 0);
        var resumed = await clay.ClayAsync("worker", "resume", $"{SleeperServer.Component}/down");
        Assert.True(resumed.ExitCode == 0, $"{resumed.StdOut}\n{resumed.StdErr}");
        await SleeperServer.WaitUntilAsync(async () => await StatusAsync(clay, "down") == "Idle", Bound, () => clay.Output);
        Assert.Equal("[\"down answered on call 4\"]", await clay.InvokeAsync("down", "steps"));
        Assert.Equal(4, service.Hits("down"));
    }

    [Fact]
    public async Task An_ordinary_exception_fails_only_its_invocation()
    {
        await using var clay = await SleeperServer.StartAsync();
        var (status, body) = await clay.TryInvokeAsync("plain", "broken");
        Assert.Equal(422, status);
        Assert.Contains("invocation-failed", body, StringComparison.Ordinal);
        Assert.Contains("broken on purpose", body, StringComparison.Ordinal);

        Assert.Equal("[]", await clay.InvokeAsync("plain", "steps"));
        Assert.Equal("Idle", await StatusAsync(clay, "plain"));
    }

    /// <summary>The worker's status as `clay worker get --format json` prints it.</summary>
    private static async Task<string> StatusAsync(SleeperServer clay, string worker)
    {
        var shown = await clay.ClayAsync("--format", "json", "worker", "get", $"{SleeperServer.Component}/{worker}");
        Assert.True(shown.ExitCode == 0, $"{shown.StdOut}\n{shown.StdErr}");
        return System.Text.Json.Nodes.JsonNode.Parse(shown.StdOut)!["status"]!.GetValue<string>();
    }
}
