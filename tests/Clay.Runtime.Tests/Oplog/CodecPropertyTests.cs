using Clay.Runtime.Oplog;
using Clay.Runtime.Oplog.Codec;
using Clay.Runtime.Tests.Wave;
using Clay.Runtime.Values;
using CsCheck;

namespace Clay.Runtime.Tests.Oplog;

public sealed class CodecPropertyTests
{
    [Fact]
    public void Random_values_survive_encoding_and_decoding()
    {
        Gen.Int.Sample(seed =>
        {
            var random = new RandomValues(seed);
            var value = random.Value(random.Type());
            Assert.Equal(value, ValueCodec.Decode(ValueCodec.Encode(value)));
        }, iter: 3000);
    }

    [Fact]
    public void Names_of_a_type_decode_to_the_same_strings_every_time_and_invalid_ones_fail_cleanly()
    {
        var item = new Value.Record(new RecordField[] { new("product-id", new Value.String("p1")), new("quantity", new Value.U32(2)) });
        var longName = new Value.Record(new RecordField[] { new(new string('f', 100), new Value.Bool(true)) });
        var first = (Value.Record)ValueCodec.Decode(ValueCodec.Encode(item));
        var second = (Value.Record)ValueCodec.Decode(ValueCodec.Encode(item));

        Assert.Equal(item, first);
        Assert.Same(first.Fields[0].Name, second.Fields[0].Name);
        Assert.Same(first.Fields[1].Name, second.Fields[1].Name);
        // A field's string value is the value's own, not a name.
        Assert.NotSame(((Value.String)first.Fields[0].Value).V, ((Value.String)second.Fields[0].Value).V);
        Assert.Equal(longName, ValueCodec.Decode(ValueCodec.Encode(longName)));

        // A name that is not UTF-8 is an error at its place, as a string's is.
        var bytes = ValueCodec.Encode(new Value.Enum("red"));
        bytes[^1] = 0xFF;
        var error = Assert.Throws<OplogDecodeException>(() => ValueCodec.Decode(bytes));
        Assert.Contains("not valid UTF-8", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Truncated_or_altered_entries_fail_with_a_decode_error_and_nothing_else()
    {
        var encoded = OplogSamples.All.Select(OplogCodec.Encode).ToArray();
        Gen.Select(Gen.Int[0, encoded.Length - 1], Gen.Int, Gen.Byte).Sample((which, at, b) =>
        {
            var bytes = encoded[which];
            var cut = bytes[..(Math.Abs(at % bytes.Length))];
            AssertDecodesOrFailsCleanly(cut);
            var altered = (byte[])bytes.Clone();
            altered[Math.Abs(at % bytes.Length)] = b;
            AssertDecodesOrFailsCleanly(altered);
        }, iter: 5000);
    }

    [Fact]
    public void A_newer_format_version_is_refused_with_a_clear_message()
    {
        var bytes = OplogCodec.Encode(OplogSamples.All[0]);
        bytes[0] = 9;
        var error = Assert.Throws<OplogDecodeException>(() => OplogCodec.Decode(bytes));
        Assert.Contains("version 9", error.Message);
    }

    private static void AssertDecodesOrFailsCleanly(byte[] bytes)
    {
        try
        {
            _ = OplogCodec.Decode(bytes);
        }
        catch (OplogDecodeException)
        {
            // The expected way to fail.
        }
    }
}
