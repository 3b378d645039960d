using Cart;
using Clay.Sdk;

namespace Clay.TestComponents.Testing;

/// <summary>
/// The shopping cart with one deliberate change: checkout draws the order id before the random number
/// that decides whether inventory is available. A history recorded by <see cref="ShoppingCart"/> does
/// not replay against it: replay stops at the first recorded random number.
/// </summary>
[ClayWorker(Interface = "shopping-cart")]
public sealed class ReorderedShoppingCart(WorkerContext context)
{
    private readonly List<ProductItem> _items = [];

    /// <summary>Starts a cart for a user.</summary>
    public void InitializeCart(string userId) => context.Log($"Initializing cart for user {userId}");

    /// <summary>Adds an item.</summary>
    public void AddItem(ProductItem item) => _items.Add(item);

    /// <summary>Removes every item with that product id.</summary>
    public void RemoveItem(string productId) => _items.RemoveAll(i => i.ProductId == productId);

    /// <summary>Sets the quantity of matching items.</summary>
    public void UpdateItemQuantity(string productId, uint quantity)
    {
        for (var i = 0; i < _items.Count; i++)
        {
            if (_items[i].ProductId == productId) _items[i] = _items[i] with { Quantity = quantity };
        }
    }

    /// <summary>Places the order: the order id first, now.</summary>
    public CheckoutResult Checkout()
    {
        var orderId = context.NewGuid().ToString();
        if (context.NextRandom(10) == 0) return new CheckoutResult.Error("Inventory not available");
        _items.Clear();
        return new CheckoutResult.Success(new OrderConfirmation(orderId));
    }

    /// <summary>The items in the cart.</summary>
    public IReadOnlyList<ProductItem> GetCartContents() => _items;
}
