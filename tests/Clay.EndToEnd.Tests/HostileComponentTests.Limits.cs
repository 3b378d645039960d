using System.Net;
using System.Text.Json;

namespace Clay.EndToEnd.Tests;

// Endless loops and waits that never end: the host enforces a CPU limit and a limit on a thread held
// per invocation by ending itself (the server ends it), charged to the worker that went past it.
public sealed partial class HostileComponentTests
{
    [Fact]
    public async Task An_endless_loop_and_endless_waits_fail_only_their_worker_naming_the_limit_and_a_durable_sleep_does_not_count()
    {
        Assert.Equal("1", (await InvokeAsync(Calm, "c", "count")).Body);
        Assert.Equal("1", (await InvokeAsync(Bad, "w", "count")).Body);
        Assert.Equal("1", (await InvokeAsync(Bad, "other", "count")).Body);
        var serverPid = _server.Pid;
        var expected = 1;
        foreach (var (function, limit) in new[] { ("spin", "--invocation-cpu-limit"), ("block", "--invocation-block-limit"), ("wait", "--invocation-block-limit") })
        {
            var (status, code, message) = await FailAsync(Bad, "w", function, "[]");
            Assert.True(status == HttpStatusCode.ServiceUnavailable, $"{function}: {(int)status} {code} {message}");
            Assert.Equal("component-crashed", code);
            Assert.Contains($"the component host of {Bad} was stopped because the invocation of {function} on worker {Bad}/w", message);
            Assert.True(message.Contains(limit, StringComparison.Ordinal), message);

            // Only that host ended: the server, the other component and the other workers serve; the worker goes on from its oplog.
            Assert.True(ProcessTree.IsAlive(serverPid) && serverPid == _server.Pid, "the server process ended");
            expected++;
            Assert.Equal($"{expected}", (await InvokeAsync(Calm, "c", "count")).Body);
            Assert.Equal($"{expected}", (await InvokeAsync(Bad, "other", "count")).Body);
            Assert.Equal($"{expected}", (await InvokeAsync(Bad, "w", "count")).Body);
        }

        // A durable sleep longer than both limits suspends the invocation: it holds no thread and uses no CPU.
        Assert.Equal("\"rested\"", await InvokeWithAsync(Bad, "w", "nap", "[\"22\"]"));
        Assert.Equal($"{expected + 1}", (await InvokeAsync(Bad, "w", "count")).Body);
    }

    [Fact]
    public async Task An_enqueued_endless_loop_is_quarantined_after_three_crashes_and_its_neighbours_keep_working()
    {
        Assert.Equal("1", (await InvokeAsync(Bad, "ok", "count")).Body);
        // The loop starts once it is durably queued, and may use up its CPU time before the host's answer to the
        // enqueue is sent (a busy machine): the outcome is then unknown, and the enqueue is sent again under the
        // same idempotency key, as a client is told to.
        for (var attempt = 1; ; attempt++)
        {
            using var queued = await PostAsync(Bad, "q", """{"function":"spin","args":[],"mode":"enqueue","idempotencyKey":"the-loop"}""");
            var text = await queued.Content.ReadAsStringAsync();
            if (queued.IsSuccessStatusCode) break;
            Assert.True(attempt < 3 && text.Contains("\"component-crashed\"", StringComparison.Ordinal), text);
        }
        // Nobody waits for the loop: the host is ended for it all the same, and the crash is charged to q. The server
        // then wakes q in a fresh host, which resumes the loop; each call of q waits behind it until the host is ended again.
        var answers = new List<string>();
        for (var attempt = 0; attempt < 6 && !answers.Any(a => a.StartsWith("worker-failed", StringComparison.Ordinal)); attempt++)
        {
            var (_, code, message) = await FailAsync(Bad, "q", "count", "[]");
            answers.Add($"{code}: {message}");
        }
        var quarantined = answers[^1];
        Assert.True(quarantined.StartsWith("worker-failed", StringComparison.Ordinal), string.Join("\n", answers));
        Assert.Contains($"worker {Bad}/q is quarantined: its component host crashed 3 times in a row", quarantined);
        Assert.True(quarantined.Contains("--invocation-cpu-limit", StringComparison.Ordinal), quarantined);
        Assert.All(answers.SkipLast(1), a => Assert.StartsWith("component-crashed", a, StringComparison.Ordinal));
        Assert.All(answers.SkipLast(1), a => Assert.Contains($"the invocation of spin on worker {Bad}/q used", a, StringComparison.Ordinal));

        Assert.Equal("2", (await InvokeAsync(Bad, "ok", "count")).Body);
        using var info = JsonDocument.Parse(await _http.GetStringAsync($"/v1/components/{Bad}/workers/q"));
        Assert.Equal("Failed", info.RootElement.GetProperty("status").GetString());
        Assert.Contains("--invocation-cpu-limit", info.RootElement.GetProperty("lastError").GetString());
    }
}
