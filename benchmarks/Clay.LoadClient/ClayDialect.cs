using System.Text;

namespace Clay.LoadClient;

/// <summary>Clay's REST API: POST /v1/components/demo:cartN/workers/KEY/invoke with WAVE arguments.</summary>
public sealed class ClayDialect : ITargetDialect
{
    /// <inheritdoc/>
    public string PathOf(CartCall call) => $"/v1/components/demo:cart{call.Component}/workers/{call.Worker}/invoke";

    /// <inheritdoc/>
    public byte[] BodyOf(CartCall call) => Encoding.UTF8.GetBytes(call.Function switch
    {
        CartFunction.InitializeCart => """{"function":"initialize-cart","args":["\"user1\""]}""",
        CartFunction.AddItem => $$"""{"function":"add-item","args":["{ product-id: \"{{call.ProductId}}\", name: \"{{call.ProductName[0]}}\", price: 1000.0, quantity: 2 }"]}""",
        _ => """{"function":"get-cart-contents","args":[]}""",
    });
}
