using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Clay.Reliability;

namespace Clay.EndToEnd.Tests;

/// <summary>Each limit, set small, gives its own error code and loses nothing; the server keeps serving.</summary>
[Trait("Category", "EndToEnd")]
public sealed class LimitTests : IAsyncLifetime
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "clay-e2e", Guid.NewGuid().ToString("N"));
    private ClayServerProcess _server = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        ClayInstallation.EnsurePublished();
        _server = new ClayServerProcess(ClayInstallation.BinDirectory, Path.Combine(_root, "data"),
            "--max-argument-size", "4KiB", "--max-result-size", "8KiB", "--max-entry-size", "64KiB", "--max-pending", "2",
            "--max-workers", "3", "--invocation-timeout", "1s");
        await _server.StartAsync(TimeSpan.FromSeconds(180));
        _http = _server.CreateHttpClient();
        await _server.DeployLedgerAsync(_http, "limits:ledger");
        await WarmAsync();
    }

    /// <summary>
    /// Waits until the component's host answers: the first call of a component starts its host
    /// process, which can outlast the 1 s invocation timeout on a busy machine. Asks for a function
    /// that does not exist, so no worker is created.
    /// </summary>
    private async Task WarmAsync(string component = "limits:ledger")
    {
        var answers = new List<string?>();
        for (var attempt = 0; attempt < 60 && answers.LastOrDefault() != "function-not-found"; attempt++)
        {
            answers.Add((await InvokeOnAsync(component, "warm-up", "no-such-function")).Code);
        }
        Assert.True(answers[^1] == "function-not-found", string.Join(", ", answers));
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _server.DisposeAsync();
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { }
    }

    [Fact]
    public async Task Arguments_over_the_limit_are_refused_before_anything_is_recorded()
    {
        var (status, code, message, _) = await InvokeAsync("w1", "add", Wave(new string('x', 10_000)));
        var big = await _http.PostAsync("v1/components/limits:ledger/workers/w1/invoke",
            new StringContent($"{{\"function\":\"add\",\"args\":[\"{new string('y', 3 << 20)}\"]}}", Encoding.UTF8, "application/json"));

        Assert.Equal((413, "argument-too-large"), (status, code));
        Assert.Contains("--max-argument-size", message);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, big.StatusCode);
        Assert.Contains("request-too-large", await big.Content.ReadAsStringAsync());
        Assert.Equal("[]", (await InvokeAsync("w1", "entries")).Wave);
    }

    [Fact]
    public async Task A_result_over_the_limit_fails_the_invocation_and_the_worker_replays_after_a_crash()
    {
        var (status, code, message, _) = await InvokeAsync("w2", "repeat", [.. Wave("x"), "10000"]);
        Assert.Equal((422, "result-too-large"), (status, code));
        Assert.Contains("--max-result-size", message);
        Assert.Equal(200, (await InvokeAsync("w2", "add", Wave("after"))).Status);

        await _server.KillAsync();
        await _server.StartAsync(TimeSpan.FromSeconds(180));
        await WarmAsync();

        Assert.Equal("[\"after\"]", (await InvokeAsync("w2", "entries")).Wave);
        Assert.Equal(200, (await InvokeAsync("w2", "repeat", [.. Wave("x"), "10"])).Status);
    }

    [Fact]
    public async Task A_worker_with_too_many_pending_invocations_answers_429_with_retry_after()
    {
        Assert.Equal(200, (await InvokeAsync("w3", "pause", ["3000"], enqueue: true)).Status);
        Assert.Equal(200, (await InvokeAsync("w3", "add", Wave("queued"), enqueue: true)).Status);

        using var response = await SendAsync("w3", "add", Wave("refused"), enqueue: true, key: null);

        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(1), response.Headers.RetryAfter?.Delta);
        Assert.Contains("too-many-pending", await response.Content.ReadAsStringAsync());
        // The queued invocation ran once the pause ended; the refused one never did. (The read is refused
        // while the queue is full, then waits in line and outlasts the 1 s invocation timeout: it is
        // asked again with its key.)
        Assert.Equal("[\"queued\"]", await WaitForResultAsync("w3", "entries", [], "read-after-queue"));
    }

    [Fact]
    public async Task A_caller_stops_waiting_at_the_invocation_timeout_and_gets_the_result_with_the_same_key()
    {
        var (status, code, message, _) = await InvokeAsync("w4", "pause", ["2500"], key: "slow-1");
        Assert.Equal((504, "invocation-timeout"), (status, code));
        Assert.Contains("slow-1", message);

        // It went on running; the same key attaches to it until it ends, and it ran once: a second
        // pause would have recorded a second invocation under the key.
        await WaitForResultAsync("w4", "pause", ["2500"], "slow-1");
        using var oplog = JsonDocument.Parse(await _http.GetStringAsync("v1/components/limits:ledger/workers/w4/oplog"));
        var kinds = oplog.RootElement.GetProperty("entries").EnumerateArray().Select(e => e.GetProperty("kind").GetString()).ToList();
        Assert.Equal(1, kinds.Count(k => k == "exported-function-invoked"));
        Assert.Equal(1, kinds.Count(k => k == "exported-function-completed"));
    }

    /// <summary>
    /// Asks with the same key until the answer is neither a 504 (still running) nor a 429 (the queue
    /// is full: polled every 100 ms), within 30 s, and returns the result.
    /// </summary>
    private async Task<string?> WaitForResultAsync(string worker, string function, string[] args, string key)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        (int Status, string? Code, string Message, string? Wave) answer;
        while (true)
        {
            answer = await InvokeAsync(worker, function, args, key: key);
            if (answer.Status is not (504 or 429) || DateTime.UtcNow > deadline) break;
            if (answer.Status == 429) await Task.Delay(100);
        }
        Assert.True(answer.Status == 200, $"{function}: {answer.Status} {answer.Code} {answer.Message}");
        return answer.Wave;
    }

    [Fact]
    public async Task A_component_refuses_workers_beyond_the_limit_until_one_is_deleted()
    {
        await _server.DeployLedgerAsync(_http, "limits:few");
        for (var i = 1; i <= 3; i++) Assert.Equal(HttpStatusCode.Created, (await CreateAsync($"f{i}")).StatusCode);

        using var refused = await CreateAsync("f4");
        using (var deleted = await _http.DeleteAsync("v1/components/limits:few/workers/f1")) Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        using var admitted = await CreateAsync("f4");

        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Contains("too-many-workers", await refused.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Created, admitted.StatusCode);
    }

    [Fact]
    public async Task Workers_created_by_their_first_invocation_are_counted_once_and_refused_ones_count_nothing()
    {
        await _server.DeployLedgerAsync(_http, "limits:invoked");
        await WarmAsync("limits:invoked");
        // A request that creates nothing (no such function) gives its admission back, however often it comes.
        for (var i = 0; i < 5; i++) Assert.Equal((404, "function-not-found"), Status(await InvokeOnAsync("limits:invoked", "i0", "no-such-function")));
        for (var i = 1; i <= 3; i++) Assert.Equal((200, null), Status(await InvokeOnAsync("limits:invoked", $"i{i}", "add", Wave("x"))));
        Assert.Equal((409, "too-many-workers"), Status(await InvokeOnAsync("limits:invoked", "i4", "add", Wave("x"))));

        // Two first calls at once to one new worker (as many as --max-pending lets wait) count it once:
        // with another deleted, one more is admitted.
        await DeleteAsync("limits:invoked", "i3");
        var first = await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => InvokeOnAsync("limits:invoked", "i5", "add", Wave("x"))));
        Assert.All(first, answer => Assert.Equal((200, null), Status(answer)));
        await DeleteAsync("limits:invoked", "i2");
        Assert.Equal((200, null), Status(await InvokeOnAsync("limits:invoked", "i6", "add", Wave("x"))));
        Assert.Equal((409, "too-many-workers"), Status(await InvokeOnAsync("limits:invoked", "i7", "add", Wave("x"))));

        foreach (var missing in new[] { "i0", "i4", "i7" })
        {
            using var get = await _http.GetAsync($"v1/components/limits:invoked/workers/{missing}");
            Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
        }
        using var oplog = JsonDocument.Parse(await _http.GetStringAsync("v1/components/limits:invoked/workers/i5/oplog"));
        Assert.Equal(2, oplog.RootElement.GetProperty("entries").EnumerateArray().Count(e => e.GetProperty("kind").GetString() == "exported-function-completed"));
    }

    private static (int Status, string? Code) Status((int Status, string? Code, string Message, string? Wave) answer) => (answer.Status, answer.Code);

    private async Task DeleteAsync(string component, string worker)
    {
        using var deleted = await _http.DeleteAsync($"v1/components/{component}/workers/{worker}");
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
    }

    private Task<HttpResponseMessage> CreateAsync(string name) =>
        _http.PostAsJsonAsync("v1/components/limits:few/workers", new { name });

    private static string[] Wave(string text) => [JsonSerializer.Serialize(text)];

    private async Task<(int Status, string? Code, string Message, string? Wave)> InvokeAsync(string worker, string function, params string[] args) =>
        await InvokeAsync(worker, function, args, enqueue: false);

    private Task<(int Status, string? Code, string Message, string? Wave)> InvokeAsync(string worker, string function, string[] args,
        bool enqueue = false, string? key = null) =>
        AnswerOfAsync(SendAsync(worker, function, args, enqueue, key));

    private Task<(int Status, string? Code, string Message, string? Wave)> InvokeOnAsync(string component, string worker, string function,
        params string[] args) =>
        AnswerOfAsync(_http.PostAsJsonAsync($"v1/components/{component}/workers/{worker}/invoke", new { function, args }));

    private static async Task<(int Status, string? Code, string Message, string? Wave)> AnswerOfAsync(Task<HttpResponseMessage> sending)
    {
        using var response = await sending;
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        if (json.RootElement.TryGetProperty("error", out var error))
        {
            return ((int)response.StatusCode, error.GetProperty("code").GetString(), error.GetProperty("message").GetString()!, null);
        }
        var wave = json.RootElement.TryGetProperty("result", out var result) && result.ValueKind == JsonValueKind.Object
            ? result.GetProperty("wave").GetString()
            : null;
        return ((int)response.StatusCode, null, "", wave);
    }

    private Task<HttpResponseMessage> SendAsync(string worker, string function, string[] args, bool enqueue, string? key) =>
        _http.PostAsJsonAsync($"v1/components/limits:ledger/workers/{worker}/invoke",
            new { function, args, mode = enqueue ? "enqueue" : "await", idempotencyKey = key });
}
