using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Clay.EndToEnd.Tests;

/// <summary>
/// The server side of the dashboard against a real server: its files at /ui, the figures of
/// /v1/server/stats against /metrics, the typed function shapes, and the access token beyond loopback.
/// </summary>
[Trait("Category", "EndToEnd")]
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed partial class DashboardApiTests(TalkerServer talker) : IClassFixture<TalkerServer>
{
    [Fact]
    public async Task The_ready_line_names_the_dashboard_and_it_is_served_from_the_server_itself()
    {
        Assert.Contains($"(dashboard: {talker.Server.Url}/ui", talker.Server.Output.ToString());

        using var page = await talker.Http.GetAsync("/ui/components/demo:talker/workers/w1");
        var html = await page.Content.ReadAsStringAsync();
        var script = ScriptSource().Match(html).Groups[1].Value;
        using var app = await talker.Http.GetAsync(script);
        using var cached = new HttpRequestMessage(HttpMethod.Get, script);
        cached.Headers.IfNoneMatch.Add(app.Headers.ETag!);
        using var notModified = await talker.Http.SendAsync(cached);

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("/ui/assets/app.js", script);
        Assert.Contains("default-src 'self'", page.Headers.GetValues("Content-Security-Policy").Single());
        Assert.Equal(HttpStatusCode.OK, app.StatusCode);
        Assert.Equal("text/javascript", app.Content.Headers.ContentType?.MediaType);
        Assert.True((await app.Content.ReadAsByteArrayAsync()).Length > 1000);
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
        // Nothing the page loads comes from elsewhere.
        Assert.DoesNotMatch("(src|href)=\"https?:", html);
        Assert.Equal(HttpStatusCode.NotFound, (await talker.Http.GetAsync("/ui/assets/missing.js")).StatusCode);
    }

    [Fact]
    public async Task Server_stats_count_the_invocations_and_agree_with_metrics()
    {
        var before = await StatsAsync();
        for (var i = 0; i < 5; i++) await talker.InvokeAsync($"counted{i}", "add", "1");
        using (var failing = await talker.Http.PostAsJsonAsync("/v1/components/demo:talker/workers/counted0/invoke", new { function = "add", args = new[] { "\"nan\"" } }))
        {
            Assert.Equal(HttpStatusCode.BadRequest, failing.StatusCode);
        }
        var after = await StatsAsync();
        var metrics = await talker.Http.GetStringAsync("/metrics");

        Assert.Equal(6, after["now"]!["invocations"]!.GetValue<long>() - before["now"]!["invocations"]!.GetValue<long>());
        Assert.Equal(1, after["now"]!["failedInvocations"]!.GetValue<long>() - before["now"]!["failedInvocations"]!.GetValue<long>());
        Assert.Equal(Metric(metrics, "clay_memory_budget_bytes"), after["now"]!["memoryBudget"]!.GetValue<long>());
        // Workers in component hosts are counted from the hosts' reports, which come every 200 ms.
        var resident = after["now"]!["residentWorkers"]!.GetValue<long>();
        for (var wait = System.Diagnostics.Stopwatch.StartNew(); resident < 5 && wait.Elapsed < TimeSpan.FromSeconds(10);)
        {
            resident = (await StatsAsync())["now"]!["residentWorkers"]!.GetValue<long>();
        }
        Assert.True(resident >= 5, $"{resident} workers in memory after 5 were called");
        Assert.Equal(1, after["intervalSeconds"]!.GetValue<double>());
        var history = after["history"]!.AsArray();
        Assert.InRange(history.Count, 0, 600);
        Assert.All(history.Zip(history.Skip(1)), pair =>
            Assert.True(pair.First!["time"]!.GetValue<DateTimeOffset>() < pair.Second!["time"]!.GetValue<DateTimeOffset>()));
    }

    [Fact]
    public async Task Function_shapes_give_each_parameter_its_type_and_an_example_the_function_accepts()
    {
        var shapes = JsonNode.Parse(await talker.Http.GetStringAsync("/v1/components/demo:talker/functions?version=0"))!;
        var talk = shapes["functions"]!.AsArray().Single(f => f!["name"]!.GetValue<string>() == "talk")!;

        Assert.Equal("talk(lines: u32, pause-milliseconds: u64, hold-milliseconds: u64) -> u64", talk["signature"]!.GetValue<string>());
        Assert.Equal(["lines: u32", "pause-milliseconds: u64", "hold-milliseconds: u64"],
            talk["parameters"]!.AsArray().Select(p => $"{p!["name"]}: {p["type"]}"));
        var examples = talk["parameters"]!.AsArray().Select(p => p!["example"]!.GetValue<string>()).ToArray();
        Assert.Equal(["0", "0", "0"], examples);
        var answer = await talker.InvokeAsync("shaped", "talk", examples);
        Assert.Equal("1", answer["result"]!["wave"]!.GetValue<string>());
        using var missing = await talker.Http.GetAsync("/v1/components/demo:talker/functions?version=7");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task Beyond_loopback_the_dashboard_needs_the_token_which_a_browser_gives_once_through_the_login_page()
    {
        var root = Path.Combine(Path.GetTempPath(), "clay-e2e", Guid.NewGuid().ToString("N"));
        try
        {
            await using var server = new ServerProcess(Path.Combine(root, "data"));
            await server.StartAsync("--listen", "0.0.0.0");
            var token = (await File.ReadAllTextAsync(Path.Combine(server.DataDirectory, "access-token"))).Trim();
            using var browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = true }) { BaseAddress = new Uri(server.Url) };
            browser.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("text/html"));

            using var page = await browser.GetAsync("/ui/server");
            using var script = await browser.GetAsync("/ui/assets/app.js");
            using var login = await browser.GetAsync("/ui/login");
            using var wrong = await browser.PostAsync("/ui/login", new FormUrlEncodedContent([new("token", "clay_not-the-token")]));
            using var stillOut = await browser.GetAsync("/v1/server/stats");

            Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
            Assert.Equal("/ui/login", page.Headers.Location?.ToString());
            Assert.Equal(HttpStatusCode.Redirect, script.StatusCode); // the dashboard's code is not served either
            Assert.DoesNotContain("export", await script.Content.ReadAsStringAsync());
            Assert.Equal(HttpStatusCode.OK, login.StatusCode);
            Assert.Contains("access-token", await login.Content.ReadAsStringAsync());
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
            Assert.Contains("That is not this server", await wrong.Content.ReadAsStringAsync()); // the apostrophe is HTML-encoded
            Assert.Equal(HttpStatusCode.Unauthorized, stillOut.StatusCode); // the API answers with its JSON error

            using var right = await browser.PostAsync("/ui/login", new FormUrlEncodedContent([new("token", token)]));
            var cookie = right.Headers.GetValues("Set-Cookie").Single();
            using var pageIn = await browser.GetAsync("/ui/server");
            using var stats = await browser.GetAsync("/v1/server/stats");
            using var forged = await browser.PostAsJsonAsync("/v1/components/demo:talker/workers/w/invoke", new { function = "get" });
            using var ownRequest = new HttpRequestMessage(HttpMethod.Post, "/v1/components/demo:talker/workers/w/invoke")
            {
                Content = JsonContent.Create(new { function = "get" }),
            };
            ownRequest.Headers.Add("X-Clay-Dashboard", "1");
            using var own = await browser.SendAsync(ownRequest);

            Assert.Equal(HttpStatusCode.Redirect, right.StatusCode);
            Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
            Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);
            Assert.Equal(HttpStatusCode.OK, pageIn.StatusCode);
            Assert.Equal(HttpStatusCode.OK, stats.StatusCode);
            // The cookie alone does not let another site's page invoke anything.
            Assert.Equal(HttpStatusCode.Unauthorized, forged.StatusCode);
            // With the dashboard's header the request goes through (and fails on its merits: no such component).
            Assert.Equal(HttpStatusCode.NotFound, own.StatusCode);
        }
        finally
        {
            try { Directory.Delete(root, recursive: true); } catch (IOException) { }
        }
    }

    private async Task<JsonNode> StatsAsync() => JsonNode.Parse(await talker.Http.GetStringAsync("/v1/server/stats"))!;

    private static long Metric(string exposition, string name)
    {
        var match = Regex.Match(exposition, $@"(?m)^{name}(\{{[^}}]*\}})? ([0-9.eE+-]+)");
        Assert.True(match.Success, $"no {name} in\n{exposition}");
        return (long)double.Parse(match.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture);
    }

    [GeneratedRegex("<script type=\"module\" src=\"([^\"]+)\"")]
    private static partial Regex ScriptSource();
}
