using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Clay.EndToEnd.Tests;

/// <summary>A talker server whose idle grains are collected after a second or two.</summary>
public sealed class ShortIdleTalkerServer : TalkerServer
{
    protected override string[] ServerArguments => ["--max-idle", "1s"];
}

/// <summary><c>--max-idle</c> lets idle workers go, never one whose invocation runs on with no caller waiting.</summary>
public sealed class MaxIdleTests(ShortIdleTalkerServer talker) : IClassFixture<ShortIdleTalkerServer>
{
    private const string Workers = $"/v1/components/{TalkerServer.Component}/workers";

    [Fact]
    public async Task An_enqueued_invocation_longer_than_max_idle_keeps_its_worker_in_memory_until_it_ends_and_runs_once()
    {
        // Six naps of 0.9 s, each too short to be written down as a wait: nothing commits until it ends,
        // long after a grain without calls would have been collected.
        using (var response = await talker.Http.PostAsJsonAsync($"{Workers}/long/invoke", new { function = "linger", args = new[] { "6" }, mode = "enqueue" }))
        {
            Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        }

        // Watched through the listing alone, which reads what the server knows and calls no grain: a call
        // would keep the grain alive by itself. The worker leaves memory only once its invocation ended.
        var deadline = DateTime.UtcNow.AddSeconds(90);
        var seen = new List<string>();
        while (true)
        {
            var listed = JsonNode.Parse(await talker.Http.GetStringAsync(Workers))!;
            var worker = listed["workers"]!.AsArray().Single(w => w!["workerName"]!.GetValue<string>() == "long")!;
            seen.Add(worker.ToJsonString());
            if (!worker["resident"]!.GetValue<bool>())
            {
                // Create, memory, queued, invoked, "line 1", six sleeps each with its wait, completed.
                Assert.True(worker["oplogLength"]!.GetValue<long>() == 18, $"the worker left memory before its invocation ended:\n{string.Join('\n', seen)}");
                break;
            }
            Assert.True(DateTime.UtcNow < deadline, $"the worker never left memory:\n{string.Join('\n', seen)}");
            await Task.Delay(200);
        }

        var oplog = JsonNode.Parse(await talker.Http.GetStringAsync($"{Workers}/long/oplog"))!["entries"]!.AsArray();
        Assert.Single(oplog, e => e!["kind"]!.GetValue<string>() == "exported-function-invoked");
        Assert.Equal("exported-function-completed", oplog[^1]!["kind"]!.GetValue<string>());
    }
}
