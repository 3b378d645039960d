using Clay.Client;
using Clay.Client.Contracts;

namespace Clay.EndToEnd.Tests.Cli;

/// <summary>Clay.Client's typed calls against the real server of the CLI fixture (worker carol is theirs).</summary>
[Collection(CliCollection.Name)]
[Trait("Category", "EndToEnd")]
public sealed class ClayClientTests(CliFixture fixture)
{
    private const string Cart = "demo:cart0";

    [Fact]
    public async Task Typed_calls_create_invoke_and_read_a_worker()
    {
        using var client = new ClayClient(new Uri(fixture.Server.Url), fixture.Server.Token);
        var worker = "carol-" + Guid.NewGuid().ToString("N")[..8];

        var created = await client.CreateWorkerAsync(Cart, new CreateWorkerDto(worker, ["a1"], new Dictionary<string, string> { ["REGION"] = "us" }));
        await client.InvokeAsync(Cart, worker, new InvokeDto("initialize-cart", ["\"carol\""], null, null));
        await client.InvokeAsync(Cart, worker, new InvokeDto("add", ["{ product-id: \"p9\", name: \"Nine\", price: 9.5, quantity: 3 }"], "k1", null));
        var repeated = await client.InvokeAsync(Cart, worker, new InvokeDto("add", ["{ product-id: \"p9\", name: \"Nine\", price: 9.5, quantity: 3 }"], "k1", null));
        var contents = await client.InvokeAsync(Cart, worker, new InvokeDto("get-cart-contents", [], null, null));
        var read = await client.GetWorkerAsync(Cart, worker);
        var listed = await client.ListWorkersAsync(Cart, [$"name == {worker}"]);

        Assert.Equal(worker, created.WorkerName);
        Assert.Equal("add-item", repeated.Function);
        Assert.Equal("k1", repeated.IdempotencyKey);
        Assert.Equal("[{product-id: \"p9\", name: \"Nine\", price: 9.5, quantity: 3}]", contents.Result!.Wave);
        Assert.Equal(3, contents.Result.Json[0].GetProperty("quantity").GetInt32());
        Assert.Equal(new[] { "a1" }, read.Args);
        Assert.Equal("us", read.Env["REGION"]);
        Assert.Equal("Idle", read.Status);
        Assert.Equal(worker, Assert.Single(listed.Workers).WorkerName);
        Assert.Null(listed.Cursor);
        Assert.Equal(Cart, (await client.GetComponentAsync(Cart)).Name);
        Assert.Contains((await client.ListComponentsAsync()).Components, c => c.Name == Cart);
    }

    [Fact]
    public async Task Reading_the_oplog_page_by_page_yields_what_one_page_holds()
    {
        using var client = new ClayClient(new Uri(fixture.Server.Url), fixture.Server.Token);

        var whole = await client.GetOplogAsync(Cart, "alice");
        var paged = new List<OplogEntryDto>();
        await foreach (var entry in client.ReadOplogAsync(Cart, "alice", pageSize: 2)) paged.Add(entry);

        Assert.True(whole.Entries.Count > 4, "alice's oplog should span several pages of 2");
        Assert.Null(whole.Next);
        Assert.Equal(whole.Entries.Select(e => (e.Index, e.Kind)), paged.Select(e => (e.Index, e.Kind)));
    }

    [Fact]
    public async Task Errors_carry_the_servers_code_and_status()
    {
        using var client = new ClayClient(new Uri(fixture.Server.Url), fixture.Server.Token);
        using var nowhere = new ClayClient(new Uri("http://127.0.0.1:9"));

        var missing = await Assert.ThrowsAsync<ClayApiException>(() => client.GetWorkerAsync(Cart, "nobody"));
        var unreachable = await Assert.ThrowsAsync<ClayApiException>(() => nowhere.ListComponentsAsync());

        Assert.Equal("worker-not-found", missing.Code);
        Assert.Equal(404, missing.StatusCode);
        Assert.Equal(ClientErrorCodes.ServerUnreachable, unreachable.Code);
        Assert.Null(unreachable.StatusCode);
    }
}
