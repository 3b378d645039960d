using Clay.Runtime.Execution;
using Clay.Runtime.Storage;
using Cart;
using static Clay.Runtime.Tests.Execution.CartValues;

namespace Clay.Runtime.Tests.Execution;

public sealed class FencingTests
{
    [Fact]
    public async Task Two_executors_writing_one_worker_one_wins_the_other_gets_a_conflict_and_history_does_not_fork()
    {
        await using var fixture = new ExecutorFixture(typeof(ShoppingCart));
        var cart = ExecutorFixture.Worker(typeof(ShoppingCart), "contended");
        var store = await fixture.OpenStoreAsync();
        var first = fixture.NewExecutor(store);
        var second = fixture.NewExecutor(store);
        await first.InvokeAsync(cart, "initialize-cart", [Str("user1")]);
        // Both now hold the worker in memory, each believing it owns it.
        await second.GetAsync(cart, null);

        await first.InvokeAsync(cart, "add-item", [Item("from-first")]);
        var conflict = await Assert.ThrowsAsync<OplogConflictException>(() => second.InvokeAsync(cart, "add-item", [Item("from-second")]));

        Assert.Equal("oplog-conflict", conflict.Code);
        Assert.Equal(cart, conflict.Worker);
        var third = fixture.NewExecutor(store);
        Assert.Equal(["from-first"], ProductIds((await third.InvokeAsync(cart, "get-cart-contents", [])).Result));
        // The loser reloads from what is durable and then sees the winner's history.
        Assert.Equal(["from-first"], ProductIds((await second.InvokeAsync(cart, "get-cart-contents", [])).Result));
    }
}
