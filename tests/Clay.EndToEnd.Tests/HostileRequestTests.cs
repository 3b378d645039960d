using System.Net;
using System.Text;
using System.Text.Json;
using Clay.Reliability;

namespace Clay.EndToEnd.Tests;

/// <summary>
/// Hostile requests against a real server with a deployed component: every one gets a 4xx with a
/// stable code and a message — never a 500 — and the server keeps serving and keeps its workers.
/// </summary>
[Trait("Category", "EndToEnd")]
public sealed class HostileRequestTests(HostileRequestTests.Server server) : IClassFixture<HostileRequestTests.Server>
{
    private const string Invoke = "/v1/components/hostile:ledger/workers/w1/invoke";
    private const string RegexWorker = "/v1/components/hostile:ledger/workers/w-regex";

    /// <summary>One server with the ledger deployed and one entry recorded, shared by every case.</summary>
    public sealed class Server : IAsyncLifetime
    {
        private readonly string _root = Path.Combine(Path.GetTempPath(), "clay-e2e", Guid.NewGuid().ToString("N"));
        private ServerProcess _process = null!;

        public HttpClient Http { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            _process = new ServerProcess(Path.Combine(_root, "data"));
            await _process.StartAsync();
            Http = _process.CreateHttpClient();
            await LedgerPackage.DeployAsync(Http, Http.BaseAddress!, "hostile:ledger");
            using var seeded = await Http.PostAsync(Invoke, new StringContent("""{"function":"add","args":["\"kept\""]}""", Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.OK, seeded.StatusCode);
            // A worker whose oplog holds a long run of 'a': what a backtracking regex chokes on.
            using var run = await Http.PostAsync(RegexWorker + "/invoke",
                new StringContent($$"""{"function":"add","args":["\"{{new string('a', 48)}}!\""]}""", Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.OK, run.StatusCode);
        }

        public async Task DisposeAsync()
        {
            Http.Dispose();
            await _process.DisposeAsync();
            try { Directory.Delete(_root, recursive: true); } catch (IOException) { }
        }
    }

    public static TheoryData<string, string, string, string?, int, string> Requests => new()
    {
        // Malformed and mistyped JSON bodies.
        { "truncated JSON", "POST", Invoke, """{"function":"add","args":[""", 400, "invalid-request" },
        { "a JSON array", "POST", Invoke, """["add"]""", 400, "invalid-request" },
        { "function as a number", "POST", Invoke, """{"function":5}""", 400, "invalid-request" },
        { "args as a string", "POST", Invoke, """{"function":"add","args":"x"}""", 400, "invalid-request" },
        { "args with a number", "POST", Invoke, """{"function":"add","args":[1]}""", 400, "invalid-request" },
        { "deeply nested JSON", "POST", Invoke, new string('[', 100_000) + new string(']', 100_000), 400, "invalid-request" },
        { "no body", "POST", Invoke, null, 400, "invalid-request" },
        { "unknown mode", "POST", Invoke, """{"function":"add","args":["\"a\""],"mode":"later"}""", 400, "invalid-request" },
        // WAVE arguments that do not fit.
        { "malformed WAVE", "POST", Invoke, """{"function":"add","args":["\"open"]}""", 400, "invalid-wave-value" },
        { "wrong WAVE type", "POST", Invoke, """{"function":"pause","args":["\"soon\""]}""", 400, "invalid-wave-value" },
        { "deeply nested WAVE", "POST", Invoke, "{\"function\":\"pause\",\"args\":[\"" + new string('[', 50_000) + "\"]}", 400, "invalid-wave-value" },
        { "number out of range", "POST", Invoke, """{"function":"pause","args":["99999999999999999999"]}""", 400, "invalid-wave-value" },
        { "too many arguments", "POST", Invoke, """{"function":"add","args":["\"a\"","\"b\""]}""", 400, "invalid-arguments" },
        { "unknown function", "POST", Invoke, """{"function":"drop-tables","args":[]}""", 404, "function-not-found" },
        // Unicode edge cases.
        { "lone surrogate in JSON", "POST", Invoke, "{\"function\":\"add\",\"args\":[\"\\\"\\ud800\\\"\"]}", 400, "invalid-request" },
        { "unicode worker name", "GET", "/v1/components/hostile:ledger/workers/w%C3%A9%E2%98%83", null, 400, "invalid-name" },
        // Kestrel itself refuses a NUL in the path, before the API: 400 without a body.
        { "NUL in a worker name", "GET", "/v1/components/hostile:ledger/workers/w%00x", null, 400, "" },
        // Path traversal and odd names.
        { "traversal in a component", "GET", "/v1/components/..%2F..%2Fetc%2Fpasswd", null, 400, "invalid-name" },
        { "traversal in a worker", "GET", "/v1/components/hostile:ledger/workers/..%2F..%2Foplog.db", null, 400, "invalid-name" },
        { "dot-dot worker", "POST", "/v1/components/hostile:ledger/workers", """{"name":".."}""", 400, "invalid-name" },
        { "very long worker name", "GET", "/v1/components/hostile:ledger/workers/" + new string('w', 5000), null, 400, "invalid-name" },
        { "bad worker filter", "GET", "/v1/components/hostile:ledger/workers?filter=status%20%3D%3D", null, 400, "invalid-worker-filter" },
        { "bad oplog query", "GET", "/v1/components/hostile:ledger/workers/w1/oplog?query=((", null, 400, "invalid-oplog-query" },
        { "a regex that backtracks without end", "GET", RegexWorker + "/oplog?query=" + Uri.EscapeDataString("/^\"(a|aa)*\"$/"), null, 400, "invalid-oplog-query" },
        // Unknown routes and methods.
        { "unknown route", "GET", "/v1/components/hostile:ledger/secrets", null, 404, "not-found" },
        { "unknown method", "PUT", "/v1/components", "{}", 404, "not-found" },
        { "upload as JSON", "POST", "/v1/components", """{"name":"hostile:x"}""", 400, "invalid-request" },
    };

    [Theory]
    [MemberData(nameof(Requests))]
    public async Task A_hostile_request_gets_a_4xx_with_a_code_and_the_server_keeps_serving(string _, string method, string path, string? body,
        int status, string code)
    {
        using var response = await SendAsync(method, path, body);
        var text = await response.Content.ReadAsStringAsync();

        Assert.True(status == (int)response.StatusCode, $"{(int)response.StatusCode}: {text}");
        if (code.Length > 0)
        {
            using var json = JsonDocument.Parse(text);
            var error = json.RootElement.GetProperty("error");
            Assert.Equal(code, error.GetProperty("code").GetString());
            Assert.False(string.IsNullOrWhiteSpace(error.GetProperty("message").GetString()));
        }
        using var entries = await SendAsync("POST", Invoke, """{"function":"entries","args":[]}""");
        Assert.Contains("[\\\"kept\\\"]", await entries.Content.ReadAsStringAsync());
    }

    /// <summary>Bodies that are not UTF-8, sent as raw bytes (a string would be encoded as valid UTF-8 on the way out).</summary>
    public static TheoryData<string, string> InvalidUtf8 => new()
    {
        // In the WAVE argument: bytes that never occur in UTF-8, a lone continuation byte, a truncated
        // three-byte sequence, an overlong '/', and an encoded surrogate.
        { "FF FE in a string", "7B2266756E6374696F6E223A22616464222C2261726773223A5B225C22FFFE5C22225D7D" },
        { "a lone continuation byte", "7B2266756E6374696F6E223A22616464222C2261726773223A5B225C22805C22225D7D" },
        { "a truncated sequence", "7B2266756E6374696F6E223A22616464222C2261726773223A5B225C22E2825C22225D7D" },
        { "an overlong encoding", "7B2266756E6374696F6E223A22616464222C2261726773223A5B225C22C0AF5C22225D7D" },
        { "an encoded surrogate", "7B2266756E6374696F6E223A22616464222C2261726773223A5B225C22EDA0805C22225D7D" },
        // In the function name.
        { "in the function name", "7B2266756E6374696F6E223A226164FF64222C2261726773223A5B5D7D" },
    };

    [Theory]
    [MemberData(nameof(InvalidUtf8))]
    public async Task A_body_that_is_not_utf8_is_refused_as_invalid_request_and_records_nothing(string _, string hex)
    {
        var body = Convert.FromHexString(hex);
        Assert.Throws<DecoderFallbackException>(() => new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(body));
        using var request = new HttpRequestMessage(HttpMethod.Post, Invoke) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");

        using var response = await server.Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();

        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{(int)response.StatusCode}: {text}");
        using (var json = JsonDocument.Parse(text)) Assert.Equal("invalid-request", json.RootElement.GetProperty("error").GetProperty("code").GetString());
        using var entries = await SendAsync("POST", Invoke, """{"function":"entries","args":[]}""");
        Assert.Contains("[\\\"kept\\\"]", await entries.Content.ReadAsStringAsync());
    }

    private Task<HttpResponseMessage> SendAsync(string method, string path, string? body)
    {
        var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (body is not null) request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        return server.Http.SendAsync(request);
    }
}
