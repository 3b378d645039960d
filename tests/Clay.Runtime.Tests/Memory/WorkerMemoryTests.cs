using Clay.Runtime.Memory;
using Clay.Runtime.Oplog;
using Clay.Runtime.Oplog.Codec;
using Clay.Runtime.Tests.Execution;
using Cart;
using static Clay.Runtime.Tests.Execution.CartValues;

namespace Clay.Runtime.Tests.Memory;

public sealed class WorkerMemoryTests
{
    [Fact]
    public void The_estimate_counts_strings_lists_and_records_once_each()
    {
        var shared = new string('x', 100);
        var small = ObjectGraphSize.Measure(new List<string> { shared });
        var twice = ObjectGraphSize.Measure(new List<string> { shared, shared });
        var distinct = ObjectGraphSize.Measure(new List<string> { shared, new string('y', 100) });

        Assert.True(small.Bytes > 200, $"a 100-char string alone is over 200 bytes, measured {small.Bytes}");
        Assert.Equal(small.Bytes, twice.Bytes);
        Assert.True(distinct.Bytes >= small.Bytes + 200, $"{distinct.Bytes} vs {small.Bytes}");
    }

    [Fact]
    public async Task A_growing_cart_records_grow_memory_entries_and_reports_its_memory()
    {
        await using var fixture = new ExecutorFixture(typeof(ShoppingCart));
        var cart = ExecutorFixture.Worker(typeof(ShoppingCart), "growing");
        var (store, executor) = await fixture.StartAsync();
        await executor.InvokeAsync(cart, "initialize-cart", [Str("user1")]);
        var empty = await executor.GetInfoAsync(cart);
        for (var i = 0; i < 50; i++) await executor.InvokeAsync(cart, "add-item", [Item($"p{i}", name: new string('n', 200))]);
        var full = await executor.GetInfoAsync(cart);

        Assert.True(empty.MemoryAtStartup > 0);
        Assert.True(full.MemoryNow > empty.MemoryNow + 50 * 400, $"50 items of 200-char names: {empty.MemoryNow} → {full.MemoryNow}");
        var grows = new List<OplogEntry.GrowMemory>();
        await foreach (var stored in store.ReadAsync(cart, 1))
        {
            if (OplogCodec.Decode(stored.Payload.Span) is OplogEntry.GrowMemory grow) grows.Add(grow);
        }
        Assert.True(grows.Count >= 2, $"{grows.Count} grow-memory entries");
        Assert.Equal(full.MemoryAtStartup, grows[0].Total);
        Assert.Equal(grows.Sum(g => g.Delta), grows[^1].Total);
        Assert.All(grows, g => Assert.True(g.Delta > 0));

        await fixture.StopAsync(store, executor);
        var (_, reopened) = await fixture.StartAsync();
        var replayed = await reopened.GetInfoAsync(cart);
        Assert.Equal(full.MemoryAtStartup, replayed.MemoryAtStartup);
        Assert.Equal(full.MemoryNow, replayed.MemoryNow);
    }
}
