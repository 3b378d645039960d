using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;

namespace Clay.EndToEnd.Tests;

/// <summary>
/// Components that bring their process down — Environment.Exit, a stack overflow, memory without
/// bound — against a real server that isolates component code (the default): only the component's
/// host dies; the server, the other components and the other workers keep serving; the worker's
/// state comes back by replay in a fresh host; a worker that keeps crashing its host is quarantined,
/// also after a restart.
/// </summary>
[Trait("Category", "EndToEnd")]
public sealed partial class HostileComponentTests : IAsyncLifetime
{
    private const string Bad = "demo:crasher";
    private const string Calm = "demo:calm";
    /// <summary>A secret in the server's environment, as a database URL or a cloud credential would be.</summary>
    private const string Secret = "postgres://clay:hunter2@db/clay";
    /// <summary>
    /// Short limits, so endless loops and waits are stopped in seconds; the thread limit well above the CPU
    /// limit, so a loop on a busy machine (which gets a small share of a processor) meets the CPU limit first.
    /// </summary>
    private static readonly string[] ServerArgs = ["--host-memory", "192MiB", "--invocation-cpu-limit", "1s", "--invocation-block-limit", "20s"];
    private readonly string _root = Path.Combine(Path.GetTempPath(), "clay-e2e", Guid.NewGuid().ToString("N"));
    private ServerProcess _server = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _server = new ServerProcess(Path.Combine(_root, "data"));
        _server.Environment["DATABASE_URL"] = Secret;
        await _server.StartAsync(ServerArgs);
        _http = _server.CreateHttpClient();
        var package = HostileComponents.Crasher();
        foreach (var name in new[] { Bad, Calm })
        {
            var (status, body) = await Uploads.SendAsync(_http, name, package);
            Assert.True(status is 200 or 201, body.ToString());
        }
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _server.DisposeAsync();
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { }
    }

    [Fact]
    public async Task Exit_stack_overflow_and_unbounded_allocation_fail_only_their_host_and_the_worker_recovers()
    {
        Assert.Equal("1", (await InvokeAsync(Calm, "c", "count")).Body);
        Assert.Equal("1", (await InvokeAsync(Bad, "w", "count")).Body);
        Assert.Equal("1", (await InvokeAsync(Bad, "other", "count")).Body);
        var serverPid = _server.Pid;
        var serverBefore = ServerMemory.Resident(serverPid);
        var expected = 1;
        foreach (var (function, cause) in new[] { ("exit", "exited with code 0"), ("recurse", "stack overflow"), ("allocate", "memory") })
        {
            var hostsBefore = HostPids();
            Assert.NotEmpty(hostsBefore);
            var (status, code, message) = await FailAsync(Bad, "w", function, function == "recurse" ? "[\"1\"]" : "[]");
            if (function == "allocate" && status == HttpStatusCode.UnprocessableEntity)
            {
                // The heap limit stopped it inside the host: the invocation failed, the host lived on.
                Assert.Equal("invocation-failed", code);
                Assert.Contains("OutOfMemoryException", message);
            }
            else
            {
                Assert.True(status == HttpStatusCode.ServiceUnavailable, $"{function}: {(int)status} {code} {message}");
                Assert.Equal("component-crashed", code);
                Assert.Contains($"the component host of {Bad}", message);
                Assert.Contains(cause, message);
                Assert.Contains($"while an invocation of {function} ran on worker {Bad}/w", message);
            }

            // The server lives and serves: the other component, the other worker, the crashed one with its state.
            Assert.True(ProcessTree.IsAlive(serverPid) && serverPid == _server.Pid, "the server process ended");
            Assert.Equal(HttpStatusCode.OK, (await _http.GetAsync("/health")).StatusCode);
            expected++;
            Assert.Equal($"{expected}", (await InvokeAsync(Calm, "c", "count")).Body);
            Assert.Equal($"{expected}", (await InvokeAsync(Bad, "other", "count")).Body);
            Assert.Equal($"{expected}", (await InvokeAsync(Bad, "w", "count")).Body);
        }
        // What the component allocated was never the server's.
        Assert.True(ServerMemory.Resident(_server.Pid) < serverBefore + (150L << 20),
            $"the server grew from {serverBefore >> 20} MiB to {ServerMemory.Resident(_server.Pid) >> 20} MiB");

        using var info = JsonDocument.Parse(await _http.GetStringAsync($"/v1/components/{Bad}/workers/w"));
        Assert.Contains("the component host", info.RootElement.GetProperty("lastError").GetString());
        var metrics = await _http.GetStringAsync("/metrics");
        Assert.Contains("clay_component_host_crashes_total", metrics);
    }

    [Fact]
    public async Task An_enqueued_crasher_is_quarantined_after_three_crashes_and_stays_quarantined_after_a_restart()
    {
        Assert.Equal("1", (await InvokeAsync(Bad, "ok", "count")).Body);
        // The exit is queued and starts at once: it may end the host before its entry is durable (nothing was
        // queued: component-crashed, and sending it again under its key is safe), or after (queued, whether the
        // host answered first or the server found the entry in the oplog after the crash).
        Assert.Equal("queued", await EnqueueExitAsync("q"));
        // Nobody calls q again: the server wakes it after each crash, since its mark says it has work queued, and
        // the exit runs again in each new host until q is quarantined.
        Assert.True(await _server.WroteAsync($"worker {Bad}/q is quarantined", TimeSpan.FromSeconds(90)),
            $"q quarantined with no call of it; the server wrote:\n{Tail(_server)}");
        var quarantined = await FailAsync(Bad, "q", "count", "[]");
        Assert.Equal("worker-failed", quarantined.Code);
        Assert.Contains($"worker {Bad}/q is quarantined: its component host crashed 3 times in a row", quarantined.Message);
        Assert.Contains("exited with code 0", quarantined.Message);
        // Its neighbour answers (which also ends the host's run of crashes with no call in flight: the first of each worker's).
        Assert.Equal("2", (await InvokeAsync(Bad, "ok", "count")).Body);

        // A worker whose queued exit is durable: every enqueue under the same key, sent while its host keeps dying,
        // is answered queued — never component-crashed — until the worker is quarantined.
        Assert.Equal("queued", await EnqueueExitAsync("r"));
        var answers = new List<string>();
        while (!answers.Any(a => a.StartsWith("worker-failed", StringComparison.Ordinal)))
        {
            Assert.True(answers.Count < 40, string.Join("\n", answers));
            answers.Add(await EnqueueAnswerAsync("r"));
        }
        Assert.All(answers.SkipLast(1), a => Assert.Equal("queued", a));
        Assert.Contains($"worker {Bad}/r is quarantined", answers[^1]);

        // Its neighbours in the same component keep working, and the server says what is wrong with it.
        Assert.Equal("3", (await InvokeAsync(Bad, "ok", "count")).Body);
        using (var info = JsonDocument.Parse(await _http.GetStringAsync($"/v1/components/{Bad}/workers/q")))
        {
            Assert.Equal("Failed", info.RootElement.GetProperty("status").GetString());
            Assert.Contains("quarantined", info.RootElement.GetProperty("lastError").GetString());
        }

        // After a restart the crashes are read back from the oplog: it is not run again.
        await _server.TerminateAsync();
        await _server.StartAsync(ServerArgs);
        _http.Dispose();
        _http = _server.CreateHttpClient();
        var again = await FailAsync(Bad, "q", "count", "[]");
        Assert.Equal("worker-failed", again.Code);
        Assert.Contains("is quarantined", again.Message);
        Assert.Equal("4", (await InvokeAsync(Bad, "ok", "count")).Body);
        using (var deleted = await _http.DeleteAsync($"/v1/components/{Bad}/workers/q"))
        {
            Assert.True(deleted.IsSuccessStatusCode, await deleted.Content.ReadAsStringAsync());
        }
        Assert.Equal("1", (await InvokeAsync(Bad, "q", "count")).Body);
    }

    [Fact]
    public async Task A_worker_that_went_on_beside_a_crasher_is_not_charged_with_its_crashes()
    {
        Assert.Equal("1", (await InvokeAsync(Bad, "i", "count")).Body);
        Assert.Equal("1", (await InvokeAsync(Bad, "q", "count")).Body);
        // The innocent's queued call takes a second; the exit ends the host while it runs. Both have work queued
        // after the crash, and both are woken to go on with it: were they woken together, each new host would end
        // while the innocent's call ran beside the exit. Only the crasher may be charged with those crashes.
        using (var lingering = await PostAsync(Bad, "i", """{"function":"linger","args":["1000"],"mode":"enqueue","idempotencyKey":"the-linger"}"""))
        {
            Assert.True(lingering.IsSuccessStatusCode, await lingering.Content.ReadAsStringAsync());
        }
        Assert.Equal("queued", await EnqueueExitAsync("q"));
        Assert.True(await _server.WroteAsync($"worker {Bad}/q is quarantined", TimeSpan.FromSeconds(90)),
            $"q quarantined with no call of it; the server wrote:\n{Tail(_server)}");

        // The innocent's call ran to its end once (its count went from 1 to 2), and nothing is held against it.
        Assert.Equal("3", (await InvokeAsync(Bad, "i", "count")).Body);
        using var info = JsonDocument.Parse(await _http.GetStringAsync($"/v1/components/{Bad}/workers/i"));
        Assert.NotEqual("Failed", info.RootElement.GetProperty("status").GetString());
        Assert.False(info.RootElement.TryGetProperty("lastError", out var error) && error.ValueKind != JsonValueKind.Null, info.RootElement.GetRawText());
        lock (_server.Output) Assert.DoesNotContain($"worker {Bad}/i is quarantined", _server.Output.ToString());
    }

    /// <summary>Enqueues the exit on <paramref name="worker"/> until an answer says what became of it (at most three times).</summary>
    private async Task<string> EnqueueExitAsync(string worker)
    {
        for (var attempt = 1; ; attempt++)
        {
            var answer = await EnqueueAnswerAsync(worker);
            if (!answer.StartsWith("component-crashed", StringComparison.Ordinal) || attempt == 3) return answer;
        }
    }

    /// <summary>"queued", or the error's code and message.</summary>
    private async Task<string> EnqueueAnswerAsync(string worker)
    {
        using var response = await PostAsync(Bad, worker, """{"function":"exit","args":[],"mode":"enqueue","idempotencyKey":"the-exit"}""");
        var text = await response.Content.ReadAsStringAsync();
        if (response.IsSuccessStatusCode) return "queued";
        using var json = JsonDocument.Parse(text);
        return $"{json.RootElement.GetProperty("error").GetProperty("code").GetString()}: {json.RootElement.GetProperty("error").GetProperty("message").GetString()}";
    }

    private static string Tail(ServerProcess server)
    {
        lock (server.Output) return string.Join('\n', server.Output.ToString().Split('\n').TakeLast(30));
    }

    [Fact]
    public async Task The_in_process_mode_is_kept_for_trusted_code()
    {
        await using var trusted = new ServerProcess(Path.Combine(_root, "trusted"));
        await trusted.StartAsync("--isolation", "none");
        using var http = trusted.CreateHttpClient();
        var (status, body) = await Uploads.SendAsync(http, Calm, HostileComponents.Crasher());
        Assert.True(status is 200 or 201, body.ToString());
        using var response = await http.PostAsync($"/v1/components/{Calm}/workers/w/invoke",
            new StringContent("""{"function":"count","args":[]}""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        // No component host: the code ran in the server's own process.
        Assert.Single(ProcessTree.Of(trusted.Pid));
    }

    private IReadOnlyList<int> HostPids() => ProcessTree.Of(_server.Pid).Skip(1).ToList();

    private async Task<HttpResponseMessage> PostAsync(string component, string worker, string json) =>
        await _http.PostAsync($"/v1/components/{component}/workers/{worker}/invoke", new StringContent(json, Encoding.UTF8, "application/json"));

    private async Task<(HttpStatusCode Status, string Body)> InvokeAsync(string component, string worker, string function)
    {
        using var response = await PostAsync(component, worker, $$"""{"function":"{{function}}","args":[]}""");
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{component}/{worker} {function}: {(int)response.StatusCode} {text}");
        using var json = JsonDocument.Parse(text);
        return (response.StatusCode, json.RootElement.GetProperty("result").GetProperty("wave").GetString()!);
    }

    private async Task<(HttpStatusCode Status, string Code, string Message)> FailAsync(string component, string worker, string function, string args)
    {
        using var response = await PostAsync(component, worker, $$"""{"function":"{{function}}","args":{{args}}}""");
        var text = await response.Content.ReadAsStringAsync();
        Assert.False(response.IsSuccessStatusCode, $"{function} succeeded: {text}");
        using var json = JsonDocument.Parse(text);
        var error = json.RootElement.GetProperty("error");
        return (response.StatusCode, error.GetProperty("code").GetString()!, error.GetProperty("message").GetString()!);
    }
}
