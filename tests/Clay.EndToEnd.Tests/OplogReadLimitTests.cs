using System.Net;
using System.Text;
using System.Text.Json;
using Clay.Reliability;

namespace Clay.EndToEnd.Tests;

/// <summary>
/// One oplog read scans for at most <c>--query-timeout</c>, then answers what it found with where to go
/// on; paging always progresses, and the pages together are the whole oplog, in order.
/// </summary>
[Trait("Category", "EndToEnd")]
public sealed class OplogReadLimitTests : IAsyncLifetime
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "clay-e2e", Guid.NewGuid().ToString("N"));
    private ServerProcess _server = null!;

    public async Task InitializeAsync()
    {
        _server = new ServerProcess(Path.Combine(_root, "data"));
        // A microsecond: every read runs out of time after its first entry.
        await _server.StartAsync("--query-timeout", "0.000001s");
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { }
    }

    [Fact]
    public async Task A_read_out_of_time_answers_a_page_and_where_to_go_on_and_the_pages_make_the_whole_oplog()
    {
        using var http = _server.CreateHttpClient();
        await LedgerPackage.DeployAsync(http, http.BaseAddress!, "demo:ledger");
        for (var i = 0; i < 5; i++)
        {
            using var added = await http.PostAsync("/v1/components/demo:ledger/workers/w/invoke",
                new StringContent($$"""{"function":"add","args":["\"e{{i}}\""]}""", Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.OK, added.StatusCode);
        }
        using var worker = JsonDocument.Parse(await http.GetStringAsync("/v1/components/demo:ledger/workers/w"));
        var length = worker.RootElement.GetProperty("oplogLength").GetInt64();

        var indexes = new List<long>();
        var pages = 0;
        long? next = 1;
        while (next is { } from && pages <= length)
        {
            using var page = JsonDocument.Parse(await http.GetStringAsync($"/v1/components/demo:ledger/workers/w/oplog?from={from}"));
            indexes.AddRange(page.RootElement.GetProperty("entries").EnumerateArray().Select(e => e.GetProperty("index").GetInt64()));
            next = page.RootElement.GetProperty("next") is { ValueKind: JsonValueKind.Number } n ? n.GetInt64() : null;
            pages++;
        }

        Assert.True(pages > 1, $"one page held all {length} entries: the time limit did not cut the read");
        Assert.Equal(Enumerable.Range(1, (int)length).Select(i => (long)i), indexes);
    }
}
