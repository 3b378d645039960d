using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Clay.EndToEnd.Tests;

/// <summary>
/// What a real server tells about its workers: spans exported with OTLP under the caller's
/// <c>traceparent</c>, worker log lines in its JSON log, and its health checks.
/// </summary>
public sealed class ObservabilityTests(TracedTalkerServer talker) : IClassFixture<TracedTalkerServer>
{
    [Fact]
    public async Task An_invocation_joins_the_callers_trace_from_the_request_to_the_called_service()
    {
        var trace = Convert.ToHexStringLower(Guid.NewGuid().ToByteArray());
        const string callerSpan = "00f067aa0ba902b7";
        var downstream = $"{talker.Otlp.Url}/prices";
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/v1/components/{TalkerServer.Component}/workers/traced/invoke")
        {
            Content = JsonContent.Create(new { function = "fetch", args = new[] { JsonSerializer.Serialize(downstream) } }),
        };
        request.Headers.Add("traceparent", $"00-{trace}-{callerSpan}-01");
        using var response = await talker.Http.SendAsync(request);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());

        var spans = await SpansAsync(trace, s => s.Name == "commit");
        var byId = spans.ToDictionary(s => s.SpanId);
        var rest = Assert.Single(spans, s => s.ParentSpanId == callerSpan);
        Assert.Contains("invoke", rest.Name, StringComparison.Ordinal);
        var invoke = Assert.Single(spans, s => s.Name == "invoke fetch");
        Assert.Equal($"{TalkerServer.Component}/traced", invoke.Attributes["clay.worker"]);
        // Between the request and the invocation: the grain call, made and received.
        var chain = new List<string>();
        for (var at = invoke; at.ParentSpanId != callerSpan; at = byId[at.ParentSpanId]) chain.Add(byId[at.ParentSpanId].Name);
        Assert.Equal(rest.Name, chain[^1]);
        Assert.True(chain.Count >= 2, $"the invocation hangs from the request through {string.Join(" < ", chain)}");
        var effect = Assert.Single(spans, s => s.Name == "effect http");
        Assert.Equal(invoke.SpanId, effect.ParentSpanId);
        Assert.Contains(spans, s => s.Name == "commit" && s.ParentSpanId == invoke.SpanId);
        // The worker's HTTP call carried the same trace to the service it called.
        Assert.Contains(talker.Otlp.Traceparents, t => t.StartsWith($"00-{trace}-", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Worker_log_lines_reach_the_servers_json_log_with_worker_invocation_key_and_level()
    {
        using var response = await talker.Http.PostAsJsonAsync($"/v1/components/{TalkerServer.Component}/workers/logged/invoke",
            new { function = "talk", args = new[] { "2", "0", "0" }, idempotencyKey = "talk-1" });
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());

        var line = await LogLineAsync(l => (string?)l["Category"] == "Clay.Worker" && ((string?)l["Message"])?.EndsWith("line 2", StringComparison.Ordinal) == true);
        Assert.Equal("Information", (string?)line["LogLevel"]);
        Assert.Equal($"{TalkerServer.Component}/logged", (string?)line["State"]!["Worker"]);
        var scope = line["Scopes"]!.AsArray().Single(s => s?["InvocationKey"] is not null)!;
        Assert.Equal("talk-1", (string?)scope["InvocationKey"]);
        Assert.Equal("talk", (string?)scope["Function"]);
    }

    [Fact]
    public async Task Liveness_and_readiness_answer_with_each_checks_verdict()
    {
        var live = await HealthAsync("/health/live");
        var ready = await HealthAsync("/health/ready");
        using var legacy = await talker.Http.GetAsync("/health");

        Assert.Equal("healthy", (string?)live["status"]);
        Assert.Equal(["silo"], live["checks"]!.AsObject().Select(c => c.Key));
        Assert.Equal("healthy", (string?)ready["status"]);
        Assert.Equal(["recovery", "silo", "store"], ready["checks"]!.AsObject().Select(c => c.Key).Order());
        Assert.All(ready["checks"]!.AsObject(), c => Assert.Equal("healthy", (string?)c.Value!["status"]));
        Assert.Equal(HttpStatusCode.OK, legacy.StatusCode);
    }

    private async Task<JsonNode> HealthAsync(string path)
    {
        using var response = await talker.Http.GetAsync(path);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {(int)response.StatusCode} {text}");
        return JsonNode.Parse(text)!;
    }

    /// <summary>The spans of <paramref name="trace"/> once one matches <paramref name="last"/> (the exporter sends in batches).</summary>
    private async Task<List<OtlpReceiver.ReceivedSpan>> SpansAsync(string trace, Func<OtlpReceiver.ReceivedSpan, bool> last)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var spans = talker.Otlp.Spans.Where(s => s.TraceId == trace).ToList();
            if (spans.Any(s => s.Name == "invoke fetch") && spans.Any(last) && spans.Any(s => s.ParentSpanId.Length > 0 && s.Name.Contains("invoke", StringComparison.Ordinal)))
            {
                // The batch with the request's own span is the last to close.
                if (spans.Any(s => s.ParentSpanId == "00f067aa0ba902b7")) return spans;
            }
            Assert.True(DateTime.UtcNow < deadline, $"spans of trace {trace} within a minute: {string.Join(", ", spans.Select(s => s.Name))}");
            await NextAsync(talker.Otlp.Received);
        }
    }

    /// <summary>Waits for <paramref name="next"/>, or a second at most: it may have come between the last look and the wait.</summary>
    private static async Task NextAsync(Task next)
    {
        try
        {
            await next.WaitAsync(TimeSpan.FromSeconds(1));
        }
        catch (TimeoutException)
        {
            // Look again.
        }
    }

    private async Task<JsonNode> LogLineAsync(Func<JsonNode, bool> match)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            string[] lines;
            lock (talker.Server.Output) lines = talker.Server.Output.ToString().Split('\n');
            foreach (var text in lines.Where(l => l.StartsWith('{')))
            {
                if (JsonNode.Parse(text) is { } line && match(line)) return line;
            }
            Assert.True(DateTime.UtcNow < deadline, $"the log line within a minute; the server wrote:\n{string.Join('\n', lines.TakeLast(20))}");
            await NextAsync(talker.Server.OutputWritten);
        }
    }
}
