using Clay.Runtime.Components;
using Clay.Runtime.Errors;
using Clay.Runtime.Types;
using Clay.Runtime.Values;
using Clay.Runtime.Wave;
using Clay.Sdk;

namespace Clay.Runtime.Tests.Components;

public sealed class TypeModelTests
{
    [Fact]
    public void Every_supported_type_maps_to_its_wit_type_and_the_interface_prints_as_wit()
    {
        var model = ComponentModel.FromType(typeof(Catalogue));

        Assert.Equal("""
            interface catalogue {
              enum color {
                red,
                dark-green,
              }

              flags access {
                read,
                write,
                share-link,
              }

              record product {
                product-id: string,
                tags: list<string>,
                discount: option<f64>,
                dimensions: tuple<u16, u16>,
                color: color,
                access: access,
              }

              variant lookup {
                found(product),
                missing,
                ambiguous(list<string>),
              }

              add: func(product: product, count: u32, price: f32, code: char, active: bool, delta: s64, tiny: s8, wide: u64) -> u64;
              find: func(product-id: string) -> lookup;
              fetch: func(product-id: string) -> option<product>;
              validate: func(product: product) -> result<u8, string>;
              reset: func();
              clear: func();
              counts: func() -> list<tuple<string, s32>>;
            }
            """.ReplaceLineEndings("\n"), WitPrinter.Print(model).ReplaceLineEndings("\n"));
    }

    [Fact]
    public async Task Values_convert_to_dotnet_and_back_through_the_exported_functions()
    {
        var model = ComponentModel.FromType(typeof(Catalogue));
        var instance = new Catalogue();
        var product = WaveParser.Parse(
            "{product-id: \"p1\", tags: [\"a\", \"b\"], discount: some(0.5), dimensions: (10, 20), color: dark-green, access: {read, share-link}}",
            model.FindFunction("add")!.Parameters[0].Type);

        var added = await model.FindFunction("add")!.InvokeAsync(instance,
            [product, new Value.U32(3), new Value.F32(2.5f), new Value.Char(new System.Text.Rune('x')), Value.True, new Value.S64(-5), new Value.S8(-1), new Value.U64(ulong.MaxValue)]);
        var found = await model.FindFunction("find")!.InvokeAsync(instance, [new Value.String("p1")]);
        var missing = await model.FindFunction("fetch")!.InvokeAsync(instance, [new Value.String("nope")]);
        var invalid = await model.FindFunction("validate")!.InvokeAsync(instance, [product]);
        var unit = await model.FindFunction("clear")!.InvokeAsync(instance, []);

        Assert.Equal(new Value.U64(1), added);
        Assert.Equal("found({product-id: \"p1\", tags: [\"a\", \"b\"], discount: some(0.5), dimensions: (10, 20), color: dark-green, access: {read, share-link}})",
            WavePrinter.Print(found!));
        Assert.Equal(Value.None, missing);
        Assert.Equal("err(\"p1 has 2 tags\")", WavePrinter.Print(invalid!));
        Assert.Null(unit);
    }

    [Fact]
    public void Types_the_model_cannot_express_are_rejected_naming_the_member_and_the_type()
    {
        var error = Assert.Throws<ComponentValidationException>(() => ComponentModel.FromType(typeof(Unsupported)));

        Assert.Equal(ErrorCodes.UnsupportedType, error.Code);
        Assert.Equal(3, error.Problems.Count);
        Assert.Contains(error.Problems, p => p.Contains("Lookup", StringComparison.Ordinal) && p.Contains("Dictionary", StringComparison.Ordinal) && p.Contains("index", StringComparison.Ordinal));
        Assert.Contains(error.Problems, p => p.Contains("Stream", StringComparison.Ordinal) && p.Contains("Open", StringComparison.Ordinal));
        Assert.Contains(error.Problems, p => p.Contains("Handle", StringComparison.Ordinal) && p.Contains("object", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public void Wrong_argument_counts_and_types_name_the_signature()
    {
        var add = ComponentModel.FromType(typeof(Catalogue)).FindFunction("find")!;

        var count = Assert.Throws<InvalidArgumentsException>(() => add.InvokeAsync(new Catalogue(), []).AsTask().GetAwaiter().GetResult());
        var type = Assert.Throws<InvalidArgumentsException>(() => add.InvokeAsync(new Catalogue(), [new Value.U8(1)]).AsTask().GetAwaiter().GetResult());

        Assert.Equal("find takes 1 argument but 0 were given; expected find(product-id: string) -> lookup", count.Message);
        Assert.StartsWith("argument 1 (product-id) of find(product-id: string) -> lookup:", type.Message);
    }
}

public enum Color { Red, DarkGreen }

[Flags]
public enum Access { Read = 1, Write = 2, ShareLink = 4 }

public sealed record Product(string ProductId, IReadOnlyList<string> Tags, double? Discount, (ushort Width, ushort Height) Dimensions, Color Color, Access Access);

public abstract record Lookup
{
    private Lookup() { }

    public sealed record Found(Product Product) : Lookup;

    public sealed record Missing : Lookup;

    public sealed record Ambiguous(List<string> Candidates) : Lookup;
}

[ClayWorker]
public sealed class Catalogue
{
    private readonly Dictionary<string, Product> _products = new();

    public ulong Add(Product product, uint count, float price, char code, bool active, long delta, sbyte tiny, ulong wide)
    {
        _products[product.ProductId] = product;
        return (ulong)_products.Count;
    }

    public Lookup Find(string productId) => _products.TryGetValue(productId, out var p) ? new Lookup.Found(p) : new Lookup.Missing();

    public Task<Product?> FetchAsync(string productId) => Task.FromResult(_products.GetValueOrDefault(productId));

    public Result<byte, string> Validate(Product product) =>
        product.Tags.Count > 1 ? Result<byte, string>.Err($"{product.ProductId} has {product.Tags.Count} tags") : Result<byte, string>.Ok(1);

    public void Reset() => _products.Clear();

    public ValueTask ClearAsync()
    {
        _products.Clear();
        return ValueTask.CompletedTask;
    }

    public IReadOnlyList<(string Name, int Count)> Counts() => [];
}

[ClayWorker]
public sealed class Unsupported
{
    public int Lookup(Dictionary<string, int> index) => index.Count;

    public Stream Open() => Stream.Null;

    public void Handle(object anything) { }
}
