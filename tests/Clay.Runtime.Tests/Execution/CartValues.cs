using Clay.Runtime.Values;

namespace Clay.Runtime.Tests.Execution;

/// <summary>Builds the shopping cart's values.</summary>
public static class CartValues
{
    public static Value Item(string productId, string name = "Example product", float price = 1000f, uint quantity = 2) =>
        new Value.Record(new RecordField[]
        {
            new("product-id", new Value.String(productId)),
            new("name", new Value.String(name)),
            new("price", new Value.F32(price)),
            new("quantity", new Value.U32(quantity)),
        });

    public static Value Str(string s) => new Value.String(s);

    public static IReadOnlyList<string> ProductIds(Value? contents) =>
        ((Value.List)contents!).Items.Select(i => ((Value.String)((Value.Record)i).Fields[0].Value).V).ToList();
}
