namespace Clay.LoadClient;

/// <summary>One call of the shopping-cart workload on cart <paramref name="Worker"/> of component <paramref name="Component"/>.</summary>
/// <param name="Component">The component's number (Clay's demo:cartN, Restate's object cartN).</param>
/// <param name="Worker">The cart's key.</param>
/// <param name="Function">What is called.</param>
/// <param name="ProductId">For add-item: the item's product id.</param>
/// <param name="ProductName">For add-item: the item's name; for get-cart-contents: the names the answer must hold.</param>
public sealed record CartCall(int Component, string Worker, CartFunction Function, string? ProductId = null, params string[] ProductName);

/// <summary>The cart's functions the workload calls.</summary>
public enum CartFunction
{
    /// <summary>initialize-cart("user1").</summary>
    InitializeCart,

    /// <summary>add-item(item).</summary>
    AddItem,

    /// <summary>get-cart-contents(), checked against the names it must hold.</summary>
    GetCartContents,
}
