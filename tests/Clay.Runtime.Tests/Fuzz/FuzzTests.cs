using System.Text;
using Clay.Runtime.Oplog.Codec;
using Clay.Runtime.Tests.Oplog;
using Clay.Runtime.Tests.Wave;
using Clay.Runtime.Types;
using Clay.Runtime.Wave;
using CsCheck;

namespace Clay.Runtime.Tests.Fuzz;

/// <summary>
/// Hostile input for the two parsers that read what Clay did not write itself: WAVE text from
/// users and oplog bytes from disk. Every case must either parse or fail with the parser's own
/// positioned error — never another exception, never a hang. The number of cases per test is
/// <c>CLAY_FUZZ_CASES</c> (default 25,000; four tests, so 100,000 in all).
/// </summary>
public sealed class FuzzTests
{
    private static readonly int Cases =
        int.TryParse(Environment.GetEnvironmentVariable("CLAY_FUZZ_CASES"), out var n) && n > 0 ? n : 25_000;

    [Fact]
    public void Mutated_wave_text_parses_or_fails_with_a_positioned_error()
    {
        Gen.Select(Gen.Int, Gen.Int[1, 6]).Sample((seed, mutations) =>
        {
            var random = new RandomValues(seed);
            var type = random.Type();
            var text = Mutate(WavePrinter.Print(random.Value(type)), new Random(seed), mutations);
            AssertParsesOrFailsCleanly(text, type);
        }, iter: Cases);
    }

    [Fact]
    public void Random_text_and_deep_nesting_fail_with_a_positioned_error()
    {
        const string alphabet = "[]{}()<>,:;\"'\\%-+.0123456789eEnaiftrusomeokr _\n\t\u00e9\u2603\ud83d\ude00";
        Gen.Select(Gen.Int, Gen.Int[0, 200], Gen.Int[0, 3]).Sample((seed, length, shape) =>
        {
            var rng = new Random(seed);
            var type = new RandomValues(seed).Type();
            var text = shape switch
            {
                0 => new string(Enumerable.Range(0, length).Select(_ => alphabet[rng.Next(alphabet.Length)]).ToArray()),
                1 => new string('[', length * 50) + new string(']', rng.Next(length * 50 + 1)),
                2 => string.Concat(Enumerable.Repeat("some(", length * 20)) + "1" + new string(')', length * 20),
                _ => "\"" + new string('\\', length) + "u{" + rng.Next() + "}\"",
            };
            AssertParsesOrFailsCleanly(text, type);
        }, iter: Cases);
    }

    [Fact]
    public void Mutated_oplog_entries_decode_or_fail_with_a_decode_error()
    {
        var samples = OplogSamples.All.Select(OplogCodec.Encode).ToArray();
        Gen.Select(Gen.Int[0, samples.Length - 1], Gen.Int, Gen.Int[1, 8]).Sample((which, seed, mutations) =>
        {
            var rng = new Random(seed);
            var bytes = new List<byte>(samples[which]);
            for (var i = 0; i < mutations && bytes.Count > 0; i++)
            {
                var at = rng.Next(bytes.Count);
                switch (rng.Next(4))
                {
                    case 0: bytes[at] = (byte)rng.Next(256); break;
                    case 1: bytes.RemoveRange(at, bytes.Count - at); break;
                    case 2: bytes.Insert(at, (byte)rng.Next(256)); break;
                    default: bytes[at] = 0xFF; break; // the start of a huge varint length
                }
            }
            AssertDecodesOrFailsCleanly([.. bytes]);
        }, iter: Cases);
    }

    [Fact]
    public void Random_bytes_after_a_valid_header_fail_with_a_decode_error()
    {
        Gen.Select(Gen.Byte[1, 24], Gen.Byte.Array[0, 64]).Sample((kind, body) =>
        {
            var bytes = new byte[] { 2, kind, 0x80, 0x01 }.Concat(body).ToArray();
            AssertDecodesOrFailsCleanly(bytes);
        }, iter: Cases);
    }

    private static string Mutate(string text, Random rng, int mutations)
    {
        var builder = new StringBuilder(text);
        const string pieces = "[]{}(),:\"'\\%-.0e";
        for (var i = 0; i < mutations; i++)
        {
            var at = builder.Length == 0 ? 0 : rng.Next(builder.Length);
            switch (rng.Next(5))
            {
                case 0 when builder.Length > 0: builder.Remove(at, 1); break;
                case 1: builder.Insert(at, pieces[rng.Next(pieces.Length)]); break;
                case 2 when builder.Length > 0: builder[at] = (char)rng.Next(0x20, 0x7F); break;
                case 3: builder.Length = at; break;
                default: builder.Insert(at, builder.ToString(0, Math.Min(builder.Length, rng.Next(1, 40)))); break;
            }
        }
        return builder.ToString();
    }

    private static void AssertParsesOrFailsCleanly(string text, ClayType type)
    {
        try
        {
            _ = WaveParser.Parse(text, type);
        }
        catch (WaveException ex)
        {
            Assert.True(ex.Line >= 1 && ex.Column >= 1, $"no position in '{ex.Message}' for {Show(text)}");
            Assert.False(string.IsNullOrWhiteSpace(ex.Problem));
        }
        catch (Exception ex)
        {
            Assert.Fail($"{ex.GetType().Name}: {ex.Message}\nparsing {Show(text)} as {WitPrinter.PrintType(type)}");
        }
    }

    private static void AssertDecodesOrFailsCleanly(byte[] bytes)
    {
        try
        {
            _ = OplogCodec.Decode(bytes);
        }
        catch (OplogDecodeException ex)
        {
            Assert.InRange(ex.Offset, 0, bytes.Length);
        }
        catch (Exception ex)
        {
            Assert.Fail($"{ex.GetType().Name}: {ex.Message}\ndecoding {Convert.ToHexString(bytes)}");
        }
    }

    private static string Show(string text) => text.Length <= 300 ? text : text[..300] + $"… ({text.Length} chars)";
}
