using Clay.Runtime.Oplog;
using Clay.Runtime.Oplog.Codec;
using Clay.Runtime.Tests.Wave;
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
