using Cart;
using Clay.Runtime.Execution;
using Clay.Testing.Environment;

namespace Clay.Testing.Tests;

public sealed class CrashRecoveryTests
{
    [Fact]
    public async Task A_crashed_cart_is_rebuilt_from_its_oplog_with_every_item()
    {
        await using var env = await ClayTestEnvironment.StartAsync<ShoppingCart>();
        var cart = env.Worker("cart-1");
        await cart.InvokeAsync(c => c.InitializeCart("ada"));
        var mug = new ProductItem("p1", "Mug", 9.5f, 2);
        await cart.InvokeAsync(c => c.AddItem(mug));
        await cart.InvokeAsync(c => c.AddItem(new ProductItem("p2", "Tea", 4.25f, 1)));
        await cart.InvokeAsync(c => c.UpdateItemQuantity("p2", 3));
        var before = await cart.GetInfoAsync();

        var recovered = await cart.CrashAndRecoverAsync();

        Assert.Equal(WorkerStatus.Idle, recovered.Status);
        Assert.Equal(before.OplogLength, recovered.OplogLength);
        Assert.Equal([mug, new ProductItem("p2", "Tea", 4.25f, 3)], await cart.InvokeAsync(c => c.GetCartContents()));
    }

    [Fact]
    public async Task Invocations_by_name_with_wave_arguments_reach_the_same_worker()
    {
        await using var env = await ClayTestEnvironment.StartAsync<ShoppingCart>();
        var cart = env.Worker("cart-2");

        Assert.Null(await cart.InvokeAsync("add-item", "{product-id: \"p9\", name: \"Pen\", price: 1.5, quantity: 4}"));
        await cart.CrashAndRecoverAsync();

        Assert.Equal("[{product-id: \"p9\", name: \"Pen\", price: 1.5, quantity: 4}]", await cart.InvokeAsync("get-cart-contents"));
        var kinds = (await cart.ReadOplogAsync()).Select(e => e.Kind).ToList();
        Assert.Equal("create", kinds[0]);
        Assert.Equal(2, kinds.Count(k => k == "exported-function-invoked"));
    }

    [Fact]
    public async Task A_call_of_a_method_the_component_does_not_export_is_refused_before_it_is_sent()
    {
        await using var env = await ClayTestEnvironment.StartAsync<ShoppingCart>();
        var cart = env.Worker("cart-3");

        var error = await Assert.ThrowsAsync<ArgumentException>(() => cart.InvokeAsync(c => c.ToString()!));

        Assert.Contains("ShoppingCart.ToString is not an exported function", error.Message);
    }
}
