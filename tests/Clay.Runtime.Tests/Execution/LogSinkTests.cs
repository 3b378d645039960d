using Clay.Runtime.Oplog;
using Clay.Runtime.Oplog.Codec;
using Cart;
using static Clay.Runtime.Tests.Execution.CartValues;

namespace Clay.Runtime.Tests.Execution;

public sealed class LogSinkTests
{
    private static readonly WorkerId Cart = ExecutorFixture.Worker(typeof(ShoppingCart), "logged");

    [Fact]
    public async Task The_log_sink_gets_the_oplog_index_of_each_line_it_is_given()
    {
        await using var fixture = new ExecutorFixture(typeof(ShoppingCart));
        var (store, executor) = await fixture.StartAsync();
        await executor.InvokeAsync(Cart, "initialize-cart", [Str("user1")]);
        await executor.InvokeAsync(Cart, "add-item", [Item("p1")]);
        await executor.InvokeAsync(Cart, "add-item", [Item("p2")]);

        var logged = new Dictionary<long, string>();
        await foreach (var stored in store.ReadAsync(Cart, 1))
        {
            if (OplogCodec.Decode(stored.Payload.Span) is OplogEntry.Log log) logged[stored.Index] = log.Message;
        }

        Assert.Equal(3, fixture.Logs.Count);
        Assert.Equal(logged.OrderBy(p => p.Key).Select(p => (p.Key, p.Value)), fixture.Logs.Select(l => (l.Index, l.Message)));
    }
}
