using Clay.Runtime.Types;
using Clay.Runtime.Wave;

namespace Clay.Runtime.Tests.Wave;

/// <summary>Malformed WAVE and WAVE of the wrong type: each gives its exact, positioned message.</summary>
public sealed class WaveErrorTests
{
    private static readonly ClayType Item = new ClayType.Record("product-item", new Field[]
    {
        new("product-id", ClayType.String), new("name", ClayType.String),
        new("price", ClayType.F32), new("quantity", ClayType.U32),
    });

    private static readonly ClayType Outcome = new ClayType.Variant("outcome", new Case[]
    {
        new("success", ClayType.String), new("empty", null),
    });

    public static TheoryData<string, ClayType, string> Cases => new()
    {
        { "", ClayType.U8, "1:1: expected u8, found end of input" },
        { "300", ClayType.U8, "1:1: value 300 out of range for u8" },
        { "-1", ClayType.U32, "1:1: value -1 out of range for u32" },
        { "99999999999999999999999999999999999999999", ClayType.S64, "1:1: value 99999999999999999999999999999999999999999 out of range for s64" },
        { "1.5", ClayType.S32, "1:1: expected s32, found float 1.5" },
        { "abc", ClayType.S32, "1:1: expected s32, found 'abc'" },
        { "1e999", ClayType.F64, "1:1: value 1e999 out of range for f64" },
        { "1.", ClayType.F64, "1:1: malformed number 1." },
        { "yes", ClayType.Bool, "1:1: expected bool (true or false), found 'yes'" },
        { "\"abc", ClayType.String, "1:1: unterminated string" },
        { "user1", ClayType.String, "1:1: expected string, found 'user1'" },
        { "\"a\\qb\"", ClayType.String, "1:3: unknown escape \\q" },
        { "\"ab\ncd\"", ClayType.String, "1:4: line break inside a quoted literal; write \\n" },
        { "\"ab\rcd\"", ClayType.String, "1:4: line break inside a quoted literal; write \\n" },
        { "\"a\uD800b\"", ClayType.String, "1:3: invalid UTF-16 in quoted literal" },
        { "\"ab\\", ClayType.String, "1:4: unterminated escape" },
        { "\"\\u{110000}\"", ClayType.String, "1:2: \\u{110000} is not a Unicode scalar value" },
        { "\"\\u{zz}\"", ClayType.String, "1:2: malformed \\u{…} escape" },
        { "''", ClayType.Char, "1:1: empty char literal" },
        { "'ab'", ClayType.Char, "1:3: char literal holds more than one character" },
        { "[1, 2", new ClayType.List(ClayType.U8), "1:6: expected ',' or ']'" },
        { "[1 2]", new ClayType.List(ClayType.U8), "1:4: expected ',' or ']'" },
        { "(1, 2, 3)", new ClayType.Tuple(new ClayType[] { ClayType.U8, ClayType.U8 }), "1:8: expected ')' after 2 tuple values, found a number" },
        { "(1)", new ClayType.Tuple(new ClayType[] { ClayType.U8, ClayType.U8 }), "1:1: expected a tuple of 2 values, found 1" },
        { "{ product-id: \"p1\", name: \"x\" price: 1.0, quantity: 2 }", Item, "1:31: expected ',' or '}'" },
        { "{ product-id: \"p1\", name: \"x\", price: 1.0 }", Item, "1:43: record product-item is missing field 'quantity'" },
        { "{ product: \"p1\" }", Item, "1:3: record product-item has no field 'product' (fields: product-id, name, price, quantity)" },
        { "{ name: \"a\", name: \"b\" }", Item, "1:14: field 'name' given twice" },
        { "{ product-id \"p1\" }", Item, "1:14: expected ':', found a string" },
        { "[\"p1\"]", Item, "1:1: expected record product-item, found '['" },
        { "maybe", new ClayType.Option(ClayType.U8), "1:1: expected some(…) or none, found 'maybe'" },
        { "some 1", new ClayType.Option(ClayType.U8), "1:6: expected '(' after some" },
        { "some(1", new ClayType.Option(ClayType.U8), "1:7: expected ')'" },
        { "ok", new ClayType.Result(ClayType.U8, null), "1:3: ok needs a value: ok(…)" },
        { "err(1)", new ClayType.Result(ClayType.U8, null), "1:4: err of this result carries no value" },
        { "fine(1)", new ClayType.Result(ClayType.U8, null), "1:1: expected ok or err, found 'fine'" },
        { "failure", Outcome, "1:1: expected a case of variant outcome (success, empty), found 'failure'" },
        { "success", Outcome, "1:8: case 'success' needs a value: success(…)" },
        { "empty(\"x\")", Outcome, "1:6: case 'empty' carries no value" },
        { "purple", new ClayType.Enum("color", new[] { "red", "green" }), "1:1: expected a case of enum color (red, green), found 'purple'" },
        { "{read, exec}", new ClayType.Flags("perms", new[] { "read", "write" }), "1:8: perms has no flag 'exec' (flags: read, write)" },
        { "{read, read}", new ClayType.Flags("perms", new[] { "read", "write" }), "1:8: flag 'read' given twice" },
        { "1 2", ClayType.U8, "1:3: expected end of input, found a number" },
        { "[\n  1,\n  x\n]", new ClayType.List(ClayType.U8), "3:3: expected u8, found 'x'" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void A_malformed_value_is_rejected_with_its_position_and_what_was_expected(string text, ClayType type, string message)
    {
        var error = Assert.Throws<WaveException>(() => WaveParser.Parse(text, type));
        Assert.Equal(message, error.Message);
        Assert.Equal("invalid-wave-value", error.Code);
    }

    [Fact]
    public void Deep_nesting_is_refused_instead_of_overflowing_the_stack()
    {
        ClayType type = ClayType.U8;
        for (var i = 0; i < 200; i++) type = new ClayType.List(type);
        var text = new string('[', 200) + new string(']', 200);
        var error = Assert.Throws<WaveException>(() => WaveParser.Parse(text, type));
        Assert.Contains("nested deeper than 128 levels", error.Message);
    }
}
