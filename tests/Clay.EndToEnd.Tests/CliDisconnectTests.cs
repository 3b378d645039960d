using System.Text.Json;
using System.Text.RegularExpressions;

namespace Clay.EndToEnd.Tests;

/// <summary>
/// When the server dies in the middle of a call, clay says so in one line with its own exit code and
/// names the idempotency key it chose, and asking again with that key gives the outcome without
/// running the invocation twice.
/// </summary>
[Trait("Category", "EndToEnd")]
public sealed partial class CliDisconnectTests : IAsyncLifetime
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "clay-e2e", Guid.NewGuid().ToString("N"));
    private ServerProcess _server = null!;

    public async Task InitializeAsync()
    {
        _server = new ServerProcess(Path.Combine(_root, "data"));
        await _server.StartAsync();
        using var http = _server.CreateHttpClient();
        var (status, body) = await Uploads.SendAsync(http, "demo:sleep", HostileComponents.Sleeper());
        Assert.True(status == 201, body.ToString());
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { }
    }

    [Fact]
    public async Task A_server_that_dies_mid_call_is_one_line_with_the_key_to_ask_again()
    {
        var clay = new ClayCli(_server.Url, _server.HomeDirectory);
        using var beacon = new Beacon();
        var call = clay.RunAsync(_root, "worker", "invoke", "demo:sleep/w", "wait", $"\"{beacon.Url}\"", "3000");
        await beacon.Reached.WaitAsync(TimeSpan.FromSeconds(60));

        await _server.KillAsync();
        var lost = await call;

        Assert.Equal(7, lost.ExitCode);
        Assert.Equal("", lost.StdOut);
        var line = Assert.Single(lost.StdErr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error[server-disconnected]: the server closed the connection before answering: the outcome of wait on demo:sleep/w is unknown", line);
        var key = KeyPattern().Match(line).Groups[1].Value;
        Assert.True(Guid.TryParse(key, out _), line);

        await _server.StartAsync();
        var retried = await clay.RunAsync(_root, "worker", "invoke", "demo:sleep/w", "wait", $"\"{beacon.Url}\"", "3000", "--idempotency-key", key);

        Assert.True(retried.ExitCode == 0, retried.StdErr);
        Assert.Equal("Invocation results in WAVE format:\n- \"done\"\n", retried.StdOut);
        using var http = _server.CreateHttpClient();
        using var oplog = JsonDocument.Parse(await http.GetStringAsync("/v1/components/demo:sleep/workers/w/oplog"));
        var kinds = oplog.RootElement.GetProperty("entries").EnumerateArray().Select(e => e.GetProperty("kind").GetString()).ToList();
        Assert.Equal(1, kinds.Count(k => k == "exported-function-invoked"));
        Assert.Equal(1, kinds.Count(k => k == "exported-function-completed"));
    }

    [GeneratedRegex("--idempotency-key ([0-9a-f-]+)")]
    private static partial Regex KeyPattern();
}
