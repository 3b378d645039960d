using System.Globalization;
using System.Text;
using Clay.Runtime.Types;
using Clay.Runtime.Values;

namespace Clay.Runtime.Wave;

/// <summary>The scalar values: booleans, integers, floats, chars and strings.</summary>
public ref partial struct WaveParser
{
    private Value ParsePrimitive(PrimitiveKind kind)
    {
        switch (kind)
        {
            case PrimitiveKind.Bool:
            {
                var start = _pos;
                var word = ReadWord();
                return word switch
                {
                    "true" => Value.True,
                    "false" => Value.False,
                    _ => throw ErrorAt(start, $"expected bool (true or false), found {DescribeToken(start, word)}"),
                };
            }
            case PrimitiveKind.F32:
            case PrimitiveKind.F64:
                return ParseFloat(kind);
            case PrimitiveKind.Char:
                return ParseChar();
            case PrimitiveKind.String:
                return new Value.String(ParseString());
            default:
                return ParseInteger(kind);
        }
    }

    private Value ParseInteger(PrimitiveKind kind)
    {
        var start = _pos;
        var token = ReadNumberToken();
        var name = Name(kind);
        if (token.Length == 0) throw ErrorAt(start, $"expected {name}, found {DescribeNext()}");
        if (char.IsAsciiLetter(token[0])) throw ErrorAt(start, $"expected {name}, found '{token.ToString()}'");
        if (IsWellFormedNumber(token) && token.ContainsAny('.', 'e', 'E')) throw ErrorAt(start, $"expected {name}, found float {token.ToString()}");
        var digits = token[0] is '-' or '+' ? token[1..] : token;
        if (digits.Length == 0 || digits.ContainsAnyExcept("0123456789")) throw ErrorAt(start, $"malformed number {token.ToString()}");
        if (!Int128.TryParse(token, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n))
        {
            // Too many digits even for 128 bits: certainly out of range.
            throw ErrorAt(start, $"value {token.ToString()} out of range for {name}");
        }
        var (min, max) = kind switch
        {
            PrimitiveKind.S8 => (sbyte.MinValue, sbyte.MaxValue),
            PrimitiveKind.S16 => (short.MinValue, short.MaxValue),
            PrimitiveKind.S32 => (int.MinValue, int.MaxValue),
            PrimitiveKind.S64 => (long.MinValue, long.MaxValue),
            PrimitiveKind.U8 => (byte.MinValue, byte.MaxValue),
            PrimitiveKind.U16 => (ushort.MinValue, ushort.MaxValue),
            PrimitiveKind.U32 => (uint.MinValue, uint.MaxValue),
            PrimitiveKind.U64 => ((Int128)ulong.MinValue, (Int128)ulong.MaxValue),
            _ => throw new InvalidOperationException($"Not an integer kind: {kind}."),
        };
        if (n < min || n > max) throw ErrorAt(start, $"value {token.ToString()} out of range for {name}");
        return kind switch
        {
            PrimitiveKind.S8 => new Value.S8((sbyte)n),
            PrimitiveKind.S16 => new Value.S16((short)n),
            PrimitiveKind.S32 => new Value.S32((int)n),
            PrimitiveKind.S64 => new Value.S64((long)n),
            PrimitiveKind.U8 => new Value.U8((byte)n),
            PrimitiveKind.U16 => new Value.U16((ushort)n),
            PrimitiveKind.U32 => new Value.U32((uint)n),
            _ => new Value.U64((ulong)n),
        };
    }

    private Value ParseFloat(PrimitiveKind kind)
    {
        var start = _pos;
        var name = Name(kind);
        double parsed;
        if (Peek() is 'n' or 'i' || (Peek() == '-' && Peek(1) == 'i'))
        {
            var negative = Peek() == '-';
            if (negative) _pos++;
            var word = ReadWord().ToString();
            parsed = (negative, word) switch
            {
                (false, "nan") => double.NaN,
                (false, "inf") => double.PositiveInfinity,
                (true, "inf") => double.NegativeInfinity,
                _ => throw ErrorAt(start, $"expected {name}, found {DescribeToken(start, word)}"),
            };
        }
        else
        {
            var token = ReadNumberToken();
            if (token.Length == 0) throw ErrorAt(start, $"expected {name}, found {DescribeNext()}");
            if (!IsWellFormedNumber(token) || !double.TryParse(token, NumberStyles.Float, CultureInfo.InvariantCulture, out parsed))
                throw ErrorAt(start, $"malformed number {token.ToString()}");
            if (kind == PrimitiveKind.F32)
            {
                // Parsed as f32 directly: going through f64 could round twice.
                var single = float.Parse(token, NumberStyles.Float, CultureInfo.InvariantCulture);
                if (float.IsInfinity(single)) throw ErrorAt(start, $"value {token.ToString()} out of range for f32");
                return new Value.F32(single);
            }
            if (double.IsInfinity(parsed)) throw ErrorAt(start, $"value {token.ToString()} out of range for f64");
        }
        return kind == PrimitiveKind.F32 ? new Value.F32((float)parsed) : new Value.F64(parsed);
    }

    private static bool IsWellFormedNumber(ReadOnlySpan<char> token)
    {
        // -?digits(.digits)?([eE][+-]?digits)?
        var i = 0;
        if (i < token.Length && token[i] == '-') i++;
        var digits = CountDigits(token, ref i);
        if (digits == 0) return false;
        if (i < token.Length && token[i] == '.')
        {
            i++;
            if (CountDigits(token, ref i) == 0) return false;
        }
        if (i < token.Length && token[i] is 'e' or 'E')
        {
            i++;
            if (i < token.Length && token[i] is '+' or '-') i++;
            if (CountDigits(token, ref i) == 0) return false;
        }
        return i == token.Length;
    }

    private static int CountDigits(ReadOnlySpan<char> token, ref int i)
    {
        var start = i;
        while (i < token.Length && char.IsAsciiDigit(token[i])) i++;
        return i - start;
    }

    private Value ParseChar()
    {
        var start = _pos;
        if (Peek() != '\'') throw Error($"expected char, found {DescribeNext()}");
        _pos++;
        if (Peek() == '\'') throw ErrorAt(start, "empty char literal");
        var rune = ReadRune('\'');
        if (Peek() != '\'') throw Error(AtEnd ? "unterminated char literal" : "char literal holds more than one character");
        _pos++;
        return new Value.Char(rune);
    }

    private string ParseString()
    {
        if (Peek() != '"') throw Error($"expected string, found {DescribeNext()}");
        var start = _pos;
        _pos++;
        // Most strings hold no escape, line break or surrogate: they are their own text, taken whole.
        var rest = _text[_pos..];
        var stop = rest.IndexOfAny(StringStops);
        if (stop >= 0 && rest[stop] == '"' && !rest[..stop].ContainsAnyInRange('\uD800', '\uDFFF'))
        {
            _pos += stop + 1;
            return rest[..stop].ToString();
        }
        var builder = new StringBuilder();
        Span<char> units = stackalloc char[2];
        while (true)
        {
            if (AtEnd) throw ErrorAt(start, "unterminated string");
            if (Peek() == '"')
            {
                _pos++;
                return builder.ToString();
            }
            builder.Append(units[..ReadRune('"').EncodeToUtf16(units)]);
        }
    }

    /// <summary>The characters that end a string's plain run: its closing quote, an escape, a line break.</summary>
    private static readonly System.Buffers.SearchValues<char> StringStops = System.Buffers.SearchValues.Create("\"\\\n\r");

    /// <summary>Reads one character of a quoted literal, decoding escapes.</summary>
    private Rune ReadRune(char quote)
    {
        if (AtEnd) throw Error(quote == '"' ? "unterminated string" : "unterminated char literal");
        var c = _text[_pos];
        if (c is '\n' or '\r') throw Error("line break inside a quoted literal; write \\n");
        if (c != '\\')
        {
            if (Rune.DecodeFromUtf16(_text[_pos..], out var rune, out var used) != System.Buffers.OperationStatus.Done)
                throw Error("invalid UTF-16 in quoted literal");
            _pos += used;
            return rune;
        }
        var escapeStart = _pos;
        _pos++;
        var e = AtEnd ? '\0' : _text[_pos++];
        switch (e)
        {
            case '\\': return new Rune('\\');
            case '"': return new Rune('"');
            case '\'': return new Rune('\'');
            case 't': return new Rune('\t');
            case 'n': return new Rune('\n');
            case 'r': return new Rune('\r');
            case 'u':
            {
                if (Peek() != '{') throw ErrorAt(escapeStart, "expected '{' after \\u");
                _pos++;
                var hexStart = _pos;
                while (!AtEnd && char.IsAsciiHexDigit(_text[_pos])) _pos++;
                var hex = _text[hexStart.._pos];
                if (Peek() != '}' || hex.Length == 0 || hex.Length > 6) throw ErrorAt(escapeStart, "malformed \\u{…} escape");
                _pos++;
                var scalar = int.Parse(hex, NumberStyles.HexNumber, CultureInfo.InvariantCulture);
                if (!Rune.IsValid(scalar)) throw ErrorAt(escapeStart, $"\\u{{{hex.ToString()}}} is not a Unicode scalar value");
                return new Rune(scalar);
            }
            default:
                throw ErrorAt(escapeStart, e == '\0' ? "unterminated escape" : $"unknown escape \\{e}");
        }
    }
}
