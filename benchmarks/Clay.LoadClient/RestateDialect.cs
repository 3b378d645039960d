using System.Text;

namespace Clay.LoadClient;

/// <summary>Restate's ingress: POST /cartN/KEY/handler with a JSON body, the cart a virtual object keyed by its id.</summary>
public sealed class RestateDialect : ITargetDialect
{
    /// <inheritdoc/>
    public string PathOf(CartCall call) => call.Function switch
    {
        CartFunction.InitializeCart => $"/cart{call.Component}/{call.Worker}/initializeCart",
        CartFunction.AddItem => $"/cart{call.Component}/{call.Worker}/addItem",
        _ => $"/cart{call.Component}/{call.Worker}/getCartContents",
    };

    /// <inheritdoc/>
    public byte[] BodyOf(CartCall call) => Encoding.UTF8.GetBytes(call.Function switch
    {
        CartFunction.InitializeCart => "\"user1\"",
        CartFunction.AddItem => $$"""{"productId":"{{call.ProductId}}","name":"{{call.ProductName[0]}}","price":1000.0,"quantity":2}""",
        _ => "",
    });
}
