using System.Text.Json;
using Clay.Runtime.Values;
using Clay.Runtime.Wave;
using CsCheck;

namespace Clay.Runtime.Tests.Wave;

public sealed class WaveRoundTripTests
{
    [Fact]
    public void Printing_then_parsing_a_random_value_of_a_random_type_gives_the_value_back()
    {
        Gen.Int.Sample(seed =>
        {
            var random = new RandomValues(seed);
            var type = random.Type();
            var value = random.Value(type);
            var text = WavePrinter.Print(value);
            var parsed = WaveParser.Parse(text, type);
            Assert.True(value.Equals(parsed), $"type {Types.WitPrinter.PrintType(type)}\nprinted {text}\nparsed  {WavePrinter.Print(parsed)}");
        }, iter: 3000);
    }

    [Fact]
    public void Writing_then_reading_json_of_a_random_value_gives_the_value_back()
    {
        Gen.Int.Sample(seed =>
        {
            var random = new RandomValues(seed);
            var type = random.Type();
            var value = random.Value(type);
            var json = ValueJson.ToJson(value);
            using var document = JsonDocument.Parse(json);
            var read = ValueJson.Read(document.RootElement, type);
            Assert.True(value.Equals(read), $"type {Types.WitPrinter.PrintType(type)}\njson {json}\nread {WavePrinter.Print(read)}");
        }, iter: 3000);
    }

    [Fact]
    public void Whitespace_trailing_commas_and_keyword_escapes_are_accepted()
    {
        var type = new Types.ClayType.Record("r", new Types.Field[]
        {
            new("items", new Types.ClayType.List(Types.ClayType.U8)),
            new("tag", new Types.ClayType.Enum("e", new[] { "none", "some-thing" })),
            new("maybe", new Types.ClayType.Option(Types.ClayType.String)),
        });
        var parsed = WaveParser.Parse("{\n  items: [ 1 , 2, ],\n  tag: %none,\n}", type);
        Assert.Equal("{items: [1, 2], tag: %none, maybe: none}", WavePrinter.Print(parsed));
    }

    [Theory]
    [InlineData("1000", "1000.0")]
    [InlineData("1000.0", "1000.0")]
    [InlineData("-2.5e3", "-2500.0")]
    [InlineData("nan", "nan")]
    [InlineData("-inf", "-inf")]
    public void Floats_print_as_floats(string input, string printed) =>
        Assert.Equal(printed, WavePrinter.Print(WaveParser.Parse(input, Types.ClayType.F32)));

    [Fact]
    public void Strings_use_escapes_for_quotes_control_characters_and_accept_unicode_escapes()
    {
        var parsed = WaveParser.Parse("\"a\\\"b\\\\c\\n\\u{1F600}\\u{7}\"", Types.ClayType.String);
        Assert.Equal(new Value.String("a\"b\\c\n\U0001F600\u0007"), parsed);
        Assert.Equal("\"a\\\"b\\\\c\\n\U0001F600\\u{7}\"", WavePrinter.Print(parsed));
    }

    [Theory]
    [InlineData("\"plain text\"", "plain text")]
    [InlineData("\"\"", "")]
    [InlineData("\"caf\u00e9 \U0001F600 ok\"", "caf\u00e9 \U0001F600 ok")]
    [InlineData("\"before\\tafter\"", "before\tafter")]
    public void Strings_with_and_without_escapes_or_surrogate_pairs_parse_to_their_text(string wave, string expected) =>
        Assert.Equal(new Value.String(expected), WaveParser.Parse(wave, Types.ClayType.String));

    [Fact]
    public void The_cart_item_of_the_walkthrough_parses()
    {
        var item = new Types.ClayType.Record("product-item", new Types.Field[]
        {
            new("product-id", Types.ClayType.String), new("name", Types.ClayType.String),
            new("price", Types.ClayType.F32), new("quantity", Types.ClayType.U32),
        });
        var value = WaveParser.Parse("{ product-id: \"p1\", name: \"Example product\", price: 1000.0, quantity: 2 }", item);
        Assert.Equal("{product-id: \"p1\", name: \"Example product\", price: 1000.0, quantity: 2}", WavePrinter.Print(value));
    }
}
