using Clay.Sdk;

namespace Cart;

/// <summary>An item in a cart.</summary>
public sealed record ProductItem(string ProductId, string Name, float Price, uint Quantity);

/// <summary>A confirmed order.</summary>
public sealed record OrderConfirmation(string OrderId);

/// <summary>The outcome of a checkout.</summary>
public abstract record CheckoutResult
{
    private CheckoutResult() { }

    /// <summary>The checkout failed.</summary>
    public sealed record Error(string Message) : CheckoutResult;

    /// <summary>The order was placed.</summary>
    public sealed record Success(OrderConfirmation Confirmation) : CheckoutResult;
}

/// <summary>The shopping cart of the seed walkthrough: the state is a plain list in a field.</summary>
[ClayWorker]
public sealed class ShoppingCart(WorkerContext context)
{
    private readonly List<ProductItem> _items = [];
    private string _userId = "";

    /// <summary>Starts a cart for a user.</summary>
    public void InitializeCart(string userId)
    {
        context.Log($"Initializing cart for user {userId}");
        _userId = userId;
    }

    /// <summary>Adds an item.</summary>
    public void AddItem(ProductItem item)
    {
        context.Log($"Adding item {item.ProductId} to the cart of user {_userId}");
        _items.Add(item);
    }

    /// <summary>Removes every item with that product id.</summary>
    public void RemoveItem(string productId)
    {
        context.Log($"Removing item {productId} from the cart of user {_userId}");
        _items.RemoveAll(i => i.ProductId == productId);
    }

    /// <summary>Sets the quantity of matching items.</summary>
    public void UpdateItemQuantity(string productId, uint quantity)
    {
        context.Log($"Updating quantity of item {productId} to {quantity} for user {_userId}");
        for (var i = 0; i < _items.Count; i++)
        {
            if (_items[i].ProductId == productId) _items[i] = _items[i] with { Quantity = quantity };
        }
    }

    /// <summary>Places the order; fails about one time in ten (inventory).</summary>
    public CheckoutResult Checkout()
    {
        if (context.NextRandom(10) == 0) return new CheckoutResult.Error("Inventory not available");
        var orderId = context.NewGuid().ToString();
        context.Log($"Checkout for user {_userId}: order {orderId}");
        _items.Clear();
        return new CheckoutResult.Success(new OrderConfirmation(orderId));
    }

    /// <summary>The items in the cart.</summary>
    public IReadOnlyList<ProductItem> GetCartContents() => _items;
}
