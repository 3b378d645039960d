using System.Globalization;
using System.Text;
using Clay.Runtime.Types;
using Clay.Runtime.Values;

namespace Clay.Runtime.Wave;

/// <summary>
/// Parses WAVE text into a <see cref="Value"/> of an expected <see cref="ClayType"/>. The type
/// resolves what the syntax leaves open (<c>{a, b}</c> is flags, <c>{a: 1}</c> a record; <c>7</c>
/// a u8 or an f64), so every error can say what was expected where.
/// </summary>
/// <remarks>
/// The grammar: <c>true</c>/<c>false</c>; integers with an optional sign, range-checked;
/// floats with optional fraction and exponent, and <c>nan</c>, <c>inf</c>, <c>-inf</c>; chars
/// <c>'x'</c> and strings <c>"x"</c> with the escapes <c>\\ \" \' \t \n \r \u{hex}</c>; lists
/// <c>[…]</c>; tuples <c>(…)</c>; records <c>{name: value, …}</c> whose option fields may be
/// omitted (<c>{:}</c> when all are); flags <c>{a, b}</c>; <c>some(x)</c>/<c>none</c>;
/// <c>ok(x)</c>/<c>err(e)</c> and bare <c>ok</c>/<c>err</c>; variant cases <c>name</c> or
/// <c>name(payload)</c>; enum cases. A label that is a keyword is written <c>%label</c>.
/// Trailing commas are allowed; whitespace is free between tokens.
/// </remarks>
public ref struct WaveParser
{
    private const int MaxDepth = 128;

    private readonly ReadOnlySpan<char> _text;
    private int _pos;
    private int _depth;

    private WaveParser(ReadOnlySpan<char> text)
    {
        _text = text;
        _pos = 0;
        _depth = 0;
    }

    /// <summary>Parses one whole value of <paramref name="type"/>; anything after it is an error.</summary>
    /// <exception cref="WaveException">The text is malformed or does not fit the type.</exception>
    public static Value Parse(string text, ClayType type)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parser = new WaveParser(text);
        parser.SkipSpace();
        if (parser.AtEnd) throw parser.Error($"expected {Describe(type)}, found end of input");
        var value = parser.ParseValue(type);
        parser.SkipSpace();
        if (!parser.AtEnd) throw parser.Error($"expected end of input, found {parser.DescribeNext()}");
        return value;
    }

    private readonly bool AtEnd => _pos >= _text.Length;

    private Value ParseValue(ClayType type)
    {
        if (++_depth > MaxDepth) throw Error($"value nested deeper than {MaxDepth} levels");
        try
        {
            return type switch
            {
                ClayType.Primitive p => ParsePrimitive(p.Kind),
                ClayType.List list => new Value.List(ParseSequence('[', ']', _ => list.Element, null, list)),
                ClayType.Tuple tuple => ParseTuple(tuple),
                ClayType.Option option => ParseOption(option),
                ClayType.Result result => ParseResult(result),
                ClayType.Record record => ParseRecord(record),
                ClayType.Variant variant => ParseVariant(variant),
                ClayType.Enum e => ParseEnum(e),
                ClayType.Flags flags => ParseFlags(flags),
                _ => throw new InvalidOperationException($"Unknown type {type}."),
            };
        }
        finally
        {
            _depth--;
        }
    }

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
            var word = ReadWord();
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
        var builder = new StringBuilder();
        while (true)
        {
            if (AtEnd) throw ErrorAt(start, "unterminated string");
            if (Peek() == '"')
            {
                _pos++;
                return builder.ToString();
            }
            builder.Append(ReadRune('"').ToString());
        }
    }

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

    private Value ParseTuple(ClayType.Tuple tuple)
    {
        var start = _pos;
        var items = ParseSequence('(', ')', i => i < tuple.Elements.Length ? tuple.Elements[i] : null, tuple.Elements.Length, tuple);
        if (items.Length != tuple.Elements.Length)
            throw ErrorAt(start, $"expected a tuple of {tuple.Elements.Length} values, found {items.Length}");
        return new Value.Tuple(items);
    }

    /// <summary>Parses <c>open value, value, … close</c>; <paramref name="elementType"/> returns null past a fixed arity.</summary>
    private EquatableArray<Value> ParseSequence(char open, char close, Func<int, ClayType?> elementType, int? arity, ClayType type)
    {
        Expect(open, Describe(type));
        var items = new List<Value>();
        while (true)
        {
            SkipSpace();
            if (Peek() == close)
            {
                _pos++;
                return items.ToArray();
            }
            var itemType = elementType(items.Count);
            if (itemType is null) throw Error($"expected ')' after {arity} tuple values, found {DescribeNext()}");
            items.Add(ParseValue(itemType));
            SkipSpace();
            if (Peek() == ',') _pos++;
            else if (Peek() != close) throw Error($"expected ',' or '{close}'");
        }
    }

    private Value ParseOption(ClayType.Option option)
    {
        var start = _pos;
        var word = ReadLabel();
        switch (word)
        {
            case "none": return Value.None;
            case "some": return new Value.Option(ParsePayload(option.Inner, "some"));
            default: throw ErrorAt(start, $"expected some(…) or none, found {DescribeToken(start, word)}");
        }
    }

    private Value ParseResult(ClayType.Result result)
    {
        var start = _pos;
        var word = ReadLabel();
        var isOk = word switch
        {
            "ok" => true,
            "err" => false,
            _ => throw ErrorAt(start, $"expected ok or err, found {DescribeToken(start, word)}"),
        };
        var payloadType = isOk ? result.Ok : result.Err;
        SkipSpace();
        if (payloadType is null)
        {
            if (Peek() == '(') throw Error($"{word} of this result carries no value");
            return new Value.Result(isOk, null);
        }
        if (Peek() != '(') throw Error($"{word} needs a value: {word}(…)");
        return new Value.Result(isOk, ParsePayload(payloadType, word));
    }

    private Value ParsePayload(ClayType type, string owner)
    {
        SkipSpace();
        if (Peek() != '(') throw Error($"expected '(' after {owner}");
        _pos++;
        SkipSpace();
        var value = ParseValue(type);
        SkipSpace();
        if (Peek() == ',') { _pos++; SkipSpace(); }
        if (Peek() != ')') throw Error("expected ')'");
        _pos++;
        return value;
    }

    private Value ParseRecord(ClayType.Record record)
    {
        Expect('{', $"record {record.Name}");
        var values = new Value?[record.Fields.Length];
        SkipSpace();
        if (Peek() == ':')
        {
            _pos++;
            SkipSpace();
            if (Peek() != '}') throw Error("expected '}' after '{:'");
        }
        while (true)
        {
            SkipSpace();
            if (Peek() == '}')
            {
                _pos++;
                break;
            }
            var labelStart = _pos;
            var label = ReadLabel();
            if (label.Length == 0) throw Error($"expected a field name of record {record.Name} or '}}', found {DescribeNext()}");
            var index = IndexOfField(record, label);
            if (index < 0) throw ErrorAt(labelStart, $"record {record.Name} has no field '{label}' (fields: {string.Join(", ", record.Fields.Select(f => f.Name))})");
            if (values[index] is not null) throw ErrorAt(labelStart, $"field '{label}' given twice");
            SkipSpace();
            Expect(':', "':'");
            SkipSpace();
            values[index] = ParseValue(record.Fields[index].Type);
            SkipSpace();
            if (Peek() == ',') _pos++;
            else if (Peek() != '}') throw Error("expected ',' or '}'");
        }
        var fields = new RecordField[values.Length];
        for (var i = 0; i < values.Length; i++)
        {
            var field = record.Fields[i];
            var value = values[i];
            if (value is null)
            {
                if (field.Type is not ClayType.Option) throw Error($"record {record.Name} is missing field '{field.Name}'", _pos - 1);
                value = Value.None;
            }
            fields[i] = new RecordField(field.Name, value);
        }
        return new Value.Record(fields);
    }

    private static int IndexOfField(ClayType.Record record, string label)
    {
        for (var i = 0; i < record.Fields.Length; i++)
        {
            if (record.Fields[i].Name == label) return i;
        }
        return -1;
    }

    private Value ParseVariant(ClayType.Variant variant)
    {
        var start = _pos;
        var label = ReadLabel();
        Case? found = null;
        foreach (var c in variant.Cases)
        {
            if (c.Name == label) found = c;
        }
        if (found is null)
            throw ErrorAt(start, $"expected a case of variant {variant.Name} ({string.Join(", ", variant.Cases.Select(c => c.Name))}), found {DescribeToken(start, label)}");
        SkipSpace();
        if (found.Payload is null)
        {
            if (Peek() == '(') throw Error($"case '{label}' carries no value");
            return new Value.Variant(found.Name, null);
        }
        if (Peek() != '(') throw Error($"case '{label}' needs a value: {label}(…)");
        return new Value.Variant(found.Name, ParsePayload(found.Payload, label));
    }

    private Value ParseEnum(ClayType.Enum e)
    {
        var start = _pos;
        var label = ReadLabel();
        foreach (var c in e.Cases)
        {
            if (c == label) return new Value.Enum(c);
        }
        throw ErrorAt(start, $"expected a case of enum {e.Name} ({string.Join(", ", e.Cases)}), found {DescribeToken(start, label)}");
    }

    private Value ParseFlags(ClayType.Flags flags)
    {
        Expect('{', $"flags {flags.Name}");
        var set = new HashSet<string>(StringComparer.Ordinal);
        while (true)
        {
            SkipSpace();
            if (Peek() == '}')
            {
                _pos++;
                break;
            }
            var start = _pos;
            var label = ReadLabel();
            if (label.Length == 0) throw Error($"expected a flag of {flags.Name} or '}}', found {DescribeNext()}");
            if (!flags.Names.Contains(label))
                throw ErrorAt(start, $"{flags.Name} has no flag '{label}' (flags: {string.Join(", ", flags.Names)})");
            if (!set.Add(label)) throw ErrorAt(start, $"flag '{label}' given twice");
            SkipSpace();
            if (Peek() == ',') _pos++;
            else if (Peek() != '}') throw Error("expected ',' or '}'");
        }
        // Flags are kept in declaration order whatever order they were written in.
        var ordered = flags.Names.Where(set.Contains).ToArray();
        return new Value.Flags(ordered);
    }

    private void Expect(char c, string what)
    {
        if (Peek() != c) throw Error($"expected {what}, found {DescribeNext()}");
        _pos++;
    }

    private readonly char Peek(int ahead = 0) => _pos + ahead < _text.Length ? _text[_pos + ahead] : '\0';

    private void SkipSpace()
    {
        while (!AtEnd && _text[_pos] is ' ' or '\t' or '\n' or '\r') _pos++;
    }

    /// <summary>Reads a label, with an optional <c>%</c> escape; empty when none is there.</summary>
    private string ReadLabel()
    {
        var escaped = Peek() == '%';
        if (escaped) _pos++;
        var word = ReadWord();
        if (escaped && word.Length == 0) throw Error("expected a label after '%'");
        return word;
    }

    private string ReadWord()
    {
        var start = _pos;
        if (AtEnd || !WaveSyntax.IsLabelStart(_text[_pos])) return string.Empty;
        while (!AtEnd && WaveSyntax.IsLabelPart(_text[_pos])) _pos++;
        return _text[start.._pos].ToString();
    }

    private ReadOnlySpan<char> ReadNumberToken()
    {
        var start = _pos;
        if (Peek() is '-' or '+') _pos++;
        while (!AtEnd && (char.IsAsciiLetterOrDigit(_text[_pos]) || _text[_pos] == '.' ||
               (_text[_pos] is '+' or '-' && _text[_pos - 1] is 'e' or 'E')))
        {
            _pos++;
        }
        if (_pos == start + 1 && _text[start] is '-' or '+')
        {
            _pos = start;
            return [];
        }
        return _text[start.._pos];
    }

    private readonly string DescribeNext()
    {
        if (AtEnd) return "end of input";
        var c = _text[_pos];
        if (WaveSyntax.IsLabelStart(c))
        {
            var end = _pos;
            while (end < _text.Length && WaveSyntax.IsLabelPart(_text[end])) end++;
            return $"'{_text[_pos..end].ToString()}'";
        }
        return c switch
        {
            '"' => "a string",
            '\'' => "a char",
            '{' => "'{'",
            '[' => "'['",
            '(' => "'('",
            _ when char.IsAsciiDigit(c) || c == '-' => "a number",
            _ => $"'{c}'",
        };
    }

    private readonly string DescribeToken(int start, string word)
    {
        if (word.Length > 0) return $"'{word}'";
        var copy = this;
        copy._pos = start;
        return copy.DescribeNext();
    }

    private static string Name(PrimitiveKind kind) => kind.ToString().ToLowerInvariant();

    private static string Describe(ClayType type) => WitPrinter.PrintType(type);

    private readonly WaveException Error(string problem) => ErrorAt(_pos, problem);

    private readonly WaveException Error(string problem, int at) => ErrorAt(at, problem);

    private readonly WaveException ErrorAt(int position, string problem)
    {
        var line = 1;
        var column = 1;
        for (var i = 0; i < position && i < _text.Length; i++)
        {
            if (_text[i] == '\n')
            {
                line++;
                column = 1;
            }
            else
            {
                column++;
            }
        }
        return new WaveException(line, column, problem);
    }
}
