using BenchmarkDotNet.Attributes;
using Clay.Runtime.Types;
using Clay.Runtime.Values;
using Clay.Runtime.Wave;

namespace Clay.Benchmarks.Micro;

/// <summary>WAVE parse and print of the cart's product item and of a 100-item cart.</summary>
[MemoryDiagnoser]
public class WaveBenchmarks
{
    private static readonly ClayType Item = new ClayType.Record("product-item", new Field[]
    {
        new("product-id", ClayType.String), new("name", ClayType.String), new("price", ClayType.F32), new("quantity", ClayType.U32),
    });

    private static readonly ClayType Cart = new ClayType.List(Item);

    private const string ItemText = "{ product-id: \"p1\", name: \"Example product\", price: 1000.0, quantity: 2 }";

    private Value _item = null!;
    private Value _cart = null!;
    private string _cartText = null!;

    [GlobalSetup]
    public void Setup()
    {
        _item = WaveParser.Parse(ItemText, Item);
        _cart = new Value.List(Enumerable.Repeat(_item, 100).ToArray());
        _cartText = WavePrinter.Print(_cart);
    }

    [Benchmark]
    public Value ParseItem() => WaveParser.Parse(ItemText, Item);

    [Benchmark]
    public string PrintItem() => WavePrinter.Print(_item);

    [Benchmark]
    public Value ParseCart100() => WaveParser.Parse(_cartText, Cart);

    [Benchmark]
    public string PrintCart100() => WavePrinter.Print(_cart);
}
