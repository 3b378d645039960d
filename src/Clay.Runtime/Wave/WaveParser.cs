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
public ref partial struct WaveParser
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
                ClayType.List list => new Value.List(ParseSequence('[', ']', list.Element, null, list)),
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

    private Value ParseTuple(ClayType.Tuple tuple)
    {
        var start = _pos;
        var items = ParseSequence('(', ')', null, tuple, tuple);
        if (items.Length != tuple.Elements.Length)
            throw ErrorAt(start, $"expected a tuple of {tuple.Elements.Length} values, found {items.Length}");
        return new Value.Tuple(items);
    }

    /// <summary>
    /// Parses <c>open value, value, … close</c>: each value of type <paramref name="element"/> (a list's), or
    /// the values of <paramref name="tuple"/>, no more than it has.
    /// </summary>
    private EquatableArray<Value> ParseSequence(char open, char close, ClayType? element, ClayType.Tuple? tuple, ClayType type)
    {
        ExpectOpening(open, type);
        var items = new List<Value>();
        while (true)
        {
            SkipSpace();
            if (Peek() == close)
            {
                _pos++;
                return items.ToArray();
            }
            var itemType = element ?? (items.Count < tuple!.Elements.Length ? tuple.Elements[items.Count] : null);
            if (itemType is null) throw Error($"expected ')' after {tuple!.Elements.Length} tuple values, found {DescribeNext()}");
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
        var name = isOk ? "ok" : "err";
        SkipSpace();
        if (payloadType is null)
        {
            if (Peek() == '(') throw Error($"{name} of this result carries no value");
            return new Value.Result(isOk, null);
        }
        if (Peek() != '(') throw Error($"{name} needs a value: {name}(…)");
        return new Value.Result(isOk, ParsePayload(payloadType, name));
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
        ExpectOpening('{', record);
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

    private static int IndexOfField(ClayType.Record record, ReadOnlySpan<char> label)
    {
        for (var i = 0; i < record.Fields.Length; i++)
        {
            if (label.SequenceEqual(record.Fields[i].Name)) return i;
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
            if (label.SequenceEqual(c.Name)) found = c;
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
        return new Value.Variant(found.Name, ParsePayload(found.Payload, found.Name));
    }

    private Value ParseEnum(ClayType.Enum e)
    {
        var start = _pos;
        var label = ReadLabel();
        foreach (var c in e.Cases)
        {
            if (label.SequenceEqual(c)) return new Value.Enum(c);
        }
        throw ErrorAt(start, $"expected a case of enum {e.Name} ({string.Join(", ", e.Cases)}), found {DescribeToken(start, label)}");
    }

    private Value ParseFlags(ClayType.Flags flags)
    {
        ExpectOpening('{', flags);
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
            var label = ReadLabel().ToString();
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
}
