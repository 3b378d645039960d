using Cart;
using Clay.Testing.Environment;
using Xunit;

namespace Cart.Tests;

/// <summary>
/// Tests of the shopping cart on Clay's real executor, in process: no server, an in-memory oplog,
/// and a clock that moves only when the test says so. Run them with 'dotnet test'.
/// </summary>
public sealed class ShoppingCartTests
{
    [Fact]
    public async Task Added_items_are_in_the_cart()
    {
        await using var env = await ClayTestEnvironment.StartAsync<ShoppingCart>();
        var cart = env.Worker("cart-1");

        await cart.InvokeAsync(c => c.InitializeCart("user-1"));
        await cart.InvokeAsync(c => c.AddItem(new ProductItem("p1", "Mug", 9.5f, 2)));

        Assert.Equal([new ProductItem("p1", "Mug", 9.5f, 2)], await cart.InvokeAsync(c => c.GetCartContents()));
    }

    [Fact]
    public async Task The_cart_survives_a_crash()
    {
        await using var env = await ClayTestEnvironment.StartAsync<ShoppingCart>();
        var cart = env.Worker("cart-2");
        await cart.InvokeAsync(c => c.AddItem(new ProductItem("p1", "Mug", 9.5f, 2)));
        await cart.InvokeAsync(c => c.UpdateItemQuantity("p1", 5));

        // The worker's memory is thrown away and rebuilt by replaying its oplog.
        await cart.CrashAndRecoverAsync();

        Assert.Equal([new ProductItem("p1", "Mug", 9.5f, 5)], await cart.InvokeAsync(c => c.GetCartContents()));
    }

    [Fact]
    public async Task A_checkout_empties_the_cart_or_says_why_not()
    {
        await using var env = await ClayTestEnvironment.StartAsync<ShoppingCart>();
        var cart = env.Worker("cart-3");
        await cart.InvokeAsync(c => c.AddItem(new ProductItem("p1", "Mug", 9.5f, 1)));

        var result = await cart.InvokeAsync(c => c.Checkout());

        var contents = await cart.InvokeAsync(c => c.GetCartContents());
        switch (result)
        {
            case CheckoutResult.Success success:
                Assert.NotEmpty(success.Confirmation.OrderId);
                Assert.Empty(contents);
                break;
            case CheckoutResult.Error error:
                Assert.Equal("Inventory not available", error.Message);
                Assert.Single(contents);
                break;
        }
        // Each step the worker took is in its oplog, as 'clay worker oplog' shows it.
        Assert.Contains(await cart.ReadOplogAsync(), e => e.Kind == "exported-function-completed");
    }
}
