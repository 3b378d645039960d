using System.Text.Json.Nodes;

namespace Clay.EndToEnd.Tests.Cli;

/// <summary>
/// The command lines a Golem user types, against a real server: <c>-i/--idempotency-key</c> (and <c>-</c>
/// for a generated key, announced on stderr), positional start-up arguments of <c>worker new</c>,
/// <c>worker list --max-count/--scan-cursor/--precise</c>, <c>component get NAME VERSION</c>, and
/// the refusals of what cannot be meant, each with its exit code.
/// </summary>
[Collection(CliCollection.Name)]
[Trait("Category", "EndToEnd")]
public sealed class GolemCompatibilityTests(CliFixture fixture)
{
    [Fact]
    public async Task A_generated_key_is_announced_on_stderr_and_asking_again_with_it_runs_nothing_twice()
    {
        var first = await fixture.RunAsync(fixture.App, "worker", "invoke", "demo:cart0/carol", "initialize-cart", "\"carol\"", "-i", "-", "--format", "json");
        Assert.True(first.ExitCode == 0, first.ToString());
        var announced = Assert.Single(first.StdErr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("Using generated idempotency key: ", announced, StringComparison.Ordinal);
        var key = announced["Using generated idempotency key: ".Length..].Trim();
        Assert.Equal(key, JsonNode.Parse(first.StdOut)!["idempotencyKey"]!.GetValue<string>());

        // The same key, through the long name and the old short one: the recorded answer, no second run.
        var item = "{ product-id: \"p9\", name: \"Kettle\", price: 20.0, quantity: 1 }";
        var keyed = $"add-{key}";
        await fixture.OkAsync(fixture.App, "worker", "invoke", "demo:cart0/carol", "add-item", item, "--idempotency-key", keyed);
        await fixture.OkAsync(fixture.App, "worker", "invoke", "demo:cart0/carol", "add-item", item, "-i", keyed);
        await fixture.OkAsync(fixture.App, "worker", "invoke", "demo:cart0/carol", "add-item", item, "-k", keyed);
        var contents = await fixture.OkAsync(fixture.App, "worker", "invoke", "demo:cart0/carol", "get-cart-contents", "--format", "json");
        Assert.Single(JsonNode.Parse(contents)!["result"]!["json"]!.AsArray());
    }

    [Fact]
    public async Task A_given_key_is_not_announced_and_an_empty_one_is_refused()
    {
        // Not alice: the fixture's snapshots pin her oplog.
        var given = await fixture.RunAsync(fixture.App, "worker", "invoke", "demo:cart0/gina", "get-cart-contents", "-i", "mine");
        var empty = await fixture.RunAsync(fixture.App, "worker", "invoke", "demo:cart0/gina", "get-cart-contents", "-i", " ");

        Assert.Equal((0, ""), (given.ExitCode, given.StdErr));
        Assert.Equal(2, empty.ExitCode);
        Assert.Equal("", empty.StdOut);
        Assert.StartsWith("error[invalid-usage]: --idempotency-key is empty", empty.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invoke_prints_a_header_and_one_dash_line_per_value_and_json_stays_the_document()
    {
        await fixture.OkAsync(fixture.App, "worker", "invoke", "demo:cart0/frank", "add-item", "{ product-id: \"p1\", name: \"Example product\", price: 1000.0, quantity: 2 }");
        var text = await fixture.OkAsync(fixture.App, "worker", "invoke", "demo:cart0/frank", "get-cart-contents");
        var json = await fixture.OkAsync(fixture.App, "worker", "invoke", "demo:cart0/frank", "get-cart-contents", "--format", "json");

        Assert.Equal("Invocation results in WAVE format:\n- [{product-id: \"p1\", name: \"Example product\", price: 1000.0, quantity: 2}]\n", text);
        Assert.Equal("[{product-id: \"p1\", name: \"Example product\", price: 1000.0, quantity: 2}]",
            JsonNode.Parse(json)!["result"]!["wave"]!.GetValue<string>());
    }

    [Fact]
    public async Task Worker_new_takes_its_arguments_after_the_worker_with_env()
    {
        await fixture.OkAsync(fixture.App, "worker", "new", "demo:cart0/dave", "first", "second arg", "-e", "REGION=us", "-e", "TIER=gold");

        var shown = JsonNode.Parse(await fixture.OkAsync(fixture.App, "worker", "get", "demo:cart0/dave", "--format", "json"))!;
        Assert.Equal(["first", "second arg"], shown["args"]!.AsArray().Select(a => a!.GetValue<string>()));
        var env = shown["env"]!.AsObject();
        Assert.Equal(("us", "gold"), (env["REGION"]!.GetValue<string>(), env["TIER"]!.GetValue<string>()));
        var text = await fixture.OkAsync(fixture.App, "worker", "get", "demo:cart0/dave");
        Assert.Contains("first second arg", text, StringComparison.Ordinal);
    }

    public static TheoryData<string, string[]> Refusals => new()
    {
        { "give the start-up arguments either after the worker or with --arg", ["worker", "new", "demo:cart0/erin", "a", "--arg", "b"] },
        { "--env 'REGION' is not KEY=VALUE", ["worker", "new", "demo:cart0/erin", "-e", "REGION"] },
        { "--max-count takes a number of workers, 1 or more", ["worker", "list", "demo:cart0", "--max-count", "0"] },
        { "two versions given (1 and --version 2)", ["component", "get", "demo:cart0", "1", "--version", "2"] },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task What_cannot_be_meant_is_refused_with_invalid_usage_and_exit_2(string message, string[] args)
    {
        var run = await fixture.RunAsync(fixture.App, args);

        Assert.Equal(2, run.ExitCode);
        Assert.Equal("", run.StdOut);
        Assert.StartsWith($"error[invalid-usage]: {message}", run.StdErr, StringComparison.Ordinal);
        // Nothing was created by a refused command.
        Assert.Equal(3, (await fixture.RunAsync(fixture.App, "worker", "get", "demo:cart0/erin")).ExitCode);
    }

    [Fact]
    public async Task Worker_list_pages_with_golems_flag_names_and_the_old_ones()
    {
        var first = await fixture.OkAsync(fixture.App, "worker", "list", "demo:cart0", "--max-count", "1");
        Assert.Contains("alice", first, StringComparison.Ordinal);
        Assert.EndsWith("More workers: --scan-cursor alice\n", first, StringComparison.Ordinal);

        var golem = JsonNode.Parse(await fixture.OkAsync(fixture.App, "worker", "list", "demo:cart0", "--max-count", "1", "--scan-cursor", "alice", "--format", "json"))!;
        var old = JsonNode.Parse(await fixture.OkAsync(fixture.App, "worker", "list", "demo:cart0", "--count", "1", "--cursor", "alice", "--format", "json"))!;
        Assert.Equal("bob", golem["workers"]![0]!["workerName"]!.GetValue<string>());
        Assert.Equal(golem.ToJsonString(), old.ToJsonString());
    }

    [Fact]
    public async Task Worker_list_precise_asks_each_worker_and_shows_what_worker_get_shows()
    {
        var listed = JsonNode.Parse(await fixture.OkAsync(fixture.App, "worker", "list", "demo:cart0", "--filter", "name == alice", "--precise", "--format", "json"))!;
        var got = JsonNode.Parse(await fixture.OkAsync(fixture.App, "worker", "get", "demo:cart0/alice", "--format", "json"))!;

        var alice = Assert.Single(listed["workers"]!.AsArray())!;
        Assert.Equal(got["status"]!.GetValue<string>(), alice["status"]!.GetValue<string>());
        Assert.Equal(got["oplogLength"]!.GetValue<long>(), alice["oplogLength"]!.GetValue<long>());
        Assert.True(alice["memoryNow"]!.GetValue<long>() > 0, alice.ToJsonString());
    }

    [Fact]
    public async Task Component_get_takes_the_version_after_the_name()
    {
        var latest = JsonNode.Parse(await fixture.OkAsync(fixture.App, "component", "get", "demo:cart0", "--format", "json"))!["version"]!.GetValue<long>().ToString();
        var positional = await fixture.OkAsync(fixture.App, "component", "get", "demo:cart0", latest, "--format", "json");
        var option = await fixture.OkAsync(fixture.App, "component", "get", "demo:cart0", "--version", latest, "--format", "json");
        var both = await fixture.OkAsync(fixture.App, "component", "get", "demo:cart0", latest, "--version", latest, "--format", "json");

        Assert.Equal(latest, JsonNode.Parse(positional)!["version"]!.GetValue<long>().ToString());
        Assert.Equal(option, positional);
        Assert.Equal(option, both);
        var missing = await fixture.RunAsync(fixture.App, "component", "get", "demo:cart0", "99");
        Assert.Equal(3, missing.ExitCode);
        Assert.StartsWith("error[component-not-found]", missing.StdErr, StringComparison.Ordinal);
    }
}
