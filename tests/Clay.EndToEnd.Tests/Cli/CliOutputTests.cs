namespace Clay.EndToEnd.Tests.Cli;

/// <summary>Each command's text and json (and some yaml) output, pinned by snapshots.</summary>
[Collection(CliCollection.Name)]
[Trait("Category", "EndToEnd")]
public sealed class CliOutputTests(CliFixture fixture)
{
    public static TheoryData<string, string[]> Commands => new()
    {
        { "component-get", ["component", "get", "demo:cart0"] },
        { "component-get.json", ["component", "get", "demo:cart0", "--format", "json"] },
        { "component-list", ["component", "list"] },
        { "component-list.json", ["component", "list", "--format", "json"] },
        { "component-templates", ["component", "templates"] },
        { "worker-invoke", ["worker", "invoke", "demo:cart0/alice", "get-cart-contents"] },
        { "worker-invoke.json", ["worker", "invoke", "demo:cart0/alice", "get-cart-contents", "--format", "json", "--idempotency-key", "fixed-key"] },
        { "worker-invoke-unit", ["worker", "invoke", "demo:cart0/bob", "update-item-quantity", "\"p1\"", "3"] },
        { "worker-get", ["worker", "get", "demo:cart0/alice"] },
        { "worker-get.json", ["worker", "get", "demo:cart0/alice", "--format", "json"] },
        { "worker-get.yaml", ["worker", "get", "demo:cart0/alice", "--format", "yaml"] },
        { "worker-list", ["worker", "list", "demo:cart0", "--filter", "name == alice"] },
        { "worker-list.json", ["worker", "list", "demo:cart0", "--filter", "env.REGION == eu", "--format", "json"] },
        { "worker-oplog-query", ["worker", "oplog", "demo:cart0/alice", "--query", "add-item"] },
        { "worker-oplog-query.json", ["worker", "oplog", "demo:cart0/alice", "--query", "product-id:p1 AND NOT kind:log", "--format", "json"] },
        { "worker-oplog-none", ["worker", "oplog", "demo:cart0/alice", "--query", "no-such-thing"] },
    };

    [Theory]
    [MemberData(nameof(Commands))]
    public async Task Command_output_matches_its_snapshot(string name, string[] args)
    {
        var run = await fixture.RunAsync(fixture.App, args);
        Snapshot.Match(name, run.ToString(), (fixture.Server.Url, "<server>"), (fixture.Root, "<root>"));
    }

    public static TheoryData<string, int, string[]> Errors => new()
    {
        { "error-malformed-wave", 2, ["worker", "invoke", "demo:cart0/alice", "add-item", "{ product-id: \"p1\" price: 1.0 }"] },
        { "error-argument-count", 2, ["worker", "invoke", "demo:cart0/alice", "add-item"] },
        { "error-argument-type", 2, ["worker", "invoke", "demo:cart0/alice", "update-item-quantity", "\"p1\"", "-3"] },
        { "error-unknown-function", 3, ["worker", "invoke", "demo:cart0/alice", "frobnicate"] },
        { "error-unknown-worker", 3, ["worker", "get", "demo:cart0/nobody"] },
        { "error-unknown-component", 3, ["component", "get", "demo:nothing"] },
        { "error-bad-name", 2, ["worker", "new", "Demo Cart/x"] },
        { "error-bad-target", 2, ["worker", "get", "demo:cart0"] },
        { "error-bad-filter", 2, ["worker", "list", "demo:cart0", "--filter", "mood == happy"] },
        { "error-bad-query", 2, ["worker", "oplog", "demo:cart0/alice", "--query", "(add-item"] },
        { "error-usage", 2, ["worker", "invoke"] },
        { "error-unreachable", 4, ["--server", "http://127.0.0.1:9", "worker", "get", "demo:cart0/alice"] },
        { "error-worker-exists", 2, ["worker", "new", "demo:cart0/alice"] },
    };

    [Theory]
    [MemberData(nameof(Errors))]
    public async Task Each_error_is_one_line_with_its_code_and_a_stable_exit_code(string name, int exitCode, string[] args)
    {
        var run = await fixture.RunAsync(fixture.App, args);

        Assert.Equal(exitCode, run.ExitCode);
        Assert.Equal("", run.StdOut);
        Assert.StartsWith("error[", run.StdErr);
        Snapshot.Match(name, run.ToString(), (fixture.Server.Url, "<server>"), (fixture.Root, "<root>"));
    }

    [Fact]
    public async Task A_build_failure_shows_the_compiler_error_and_exits_5()
    {
        var app = await AppWithEditedWorkerAsync("broken", "demo:broken", "return _total;", "return _totl;");

        var run = await fixture.RunAsync(app, "app", "build");

        Assert.Equal(5, run.ExitCode);
        Assert.Contains("error[build-failed]: building the components failed (1 error)", run.StdErr);
        Assert.Contains("components/demo-broken/Worker.cs(", run.StdErr);
        Assert.Contains("error CS0103: The name '_totl' does not exist in the current context", run.StdErr);
    }

    [Fact]
    public async Task A_component_with_a_type_clay_cannot_express_fails_the_build_naming_member_and_type()
    {
        var app = await AppWithEditedWorkerAsync("unsupported", "demo:odd",
            "public ulong Get() => _total;", "public ulong Get() => _total;\n\n    public int Count(Dictionary<string, int> counts) => counts.Count;");

        var run = await fixture.RunAsync(app, "app", "build");

        // The SDK's source generator rejects the type while compiling, with the member, parameter and type named.
        Assert.Equal(5, run.ExitCode);
        Assert.Contains("error[build-failed]: building the components failed (1 error)", run.StdErr);
        Assert.Contains("components/demo-odd/Worker.cs(", run.StdErr);
        Assert.Contains("error CLAY100: Worker.Count(counts): type Dictionary<string, int> is not supported", run.StdErr);
    }

    [Fact]
    public async Task Shell_completion_asks_clay_itself_for_suggestions()
    {
        var script = await fixture.OkAsync(fixture.App, "completion", "bash");
        var suggestions = await fixture.RunAsync(fixture.App, "[suggest:8]", "clay wor");

        Assert.Contains("complete -o default -F _clay_complete clay", script);
        Assert.Equal("worker", suggestions.StdOut.Trim());
    }

    [Fact]
    public async Task The_server_publishes_its_openapi_document()
    {
        using var http = fixture.Server.CreateHttpClient();
        using var document = System.Text.Json.JsonDocument.Parse(await http.GetStringAsync("/openapi/v1.json"));

        var paths = document.RootElement.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToList();
        Assert.Contains("/v1/components", paths);
        Assert.Contains("/v1/components/{component}/workers/{worker}/invoke", paths);
        // The invocation is described with its route's parameters, its body and its answer.
        var invoke = document.RootElement.GetProperty("paths").GetProperty("/v1/components/{component}/workers/{worker}/invoke").GetProperty("post");
        Assert.Equal(["component", "worker"], invoke.GetProperty("parameters").EnumerateArray().Select(p => p.GetProperty("name").GetString()));
        Assert.EndsWith("/InvokeDto", invoke.GetProperty("requestBody").GetProperty("content").GetProperty("application/json")
            .GetProperty("schema").GetProperty("$ref").GetString(), StringComparison.Ordinal);
        Assert.EndsWith("/InvokeResultDto", invoke.GetProperty("responses").GetProperty("200").GetProperty("content")
            .GetProperty("application/json").GetProperty("schema").GetProperty("$ref").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Deploying_again_without_changes_uploads_nothing()
    {
        var run = await fixture.RunAsync(fixture.App, "app", "deploy", "--format", "json");

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("\"unchanged\": true", run.StdOut);
        Assert.DoesNotContain("Uploading", run.StdErr);
    }

    /// <summary>A new application with one csharp/default component whose Worker.cs has <paramref name="from"/> replaced.</summary>
    private async Task<string> AppWithEditedWorkerAsync(string appName, string component, string from, string to)
    {
        var app = Path.Combine(fixture.Root, appName);
        await fixture.OkAsync(fixture.Root, "app", "new", appName, "csharp");
        await fixture.OkAsync(app, "component", "new", "csharp/default", component);
        var source = Path.Combine(app, "components", component.Replace(':', '-'), "Worker.cs");
        File.WriteAllText(source, File.ReadAllText(source).Replace(from, to, StringComparison.Ordinal));
        return app;
    }
}
