using System.Globalization;
using System.Text;
using Clay.Runtime.Values;

namespace Clay.Runtime.Wave;

/// <summary>
/// Renders values as WAVE text: <c>{product-id: "p1", price: 1000.0, quantity: 2}</c>. The output
/// parses back with <see cref="WaveParser"/> to an equal value when given the value's type.
/// </summary>
public static class WavePrinter
{
    /// <summary>Renders one value.</summary>
    public static string Print(Value value)
    {
        var builder = new StringBuilder();
        Print(value, builder);
        return builder.ToString();
    }

    /// <summary>Appends the rendering of one value to <paramref name="output"/>.</summary>
    public static void Print(Value value, StringBuilder output)
    {
        switch (value)
        {
            case Value.Bool b: output.Append(b.V ? "true" : "false"); break;
            case Value.S8 v: output.Append(v.V.ToString(CultureInfo.InvariantCulture)); break;
            case Value.S16 v: output.Append(v.V.ToString(CultureInfo.InvariantCulture)); break;
            case Value.S32 v: output.Append(v.V.ToString(CultureInfo.InvariantCulture)); break;
            case Value.S64 v: output.Append(v.V.ToString(CultureInfo.InvariantCulture)); break;
            case Value.U8 v: output.Append(v.V.ToString(CultureInfo.InvariantCulture)); break;
            case Value.U16 v: output.Append(v.V.ToString(CultureInfo.InvariantCulture)); break;
            case Value.U32 v: output.Append(v.V.ToString(CultureInfo.InvariantCulture)); break;
            case Value.U64 v: output.Append(v.V.ToString(CultureInfo.InvariantCulture)); break;
            case Value.F32 f: AppendFloat(output, f.V, float.IsNaN(f.V), float.IsInfinity(f.V), f.V.ToString("R", CultureInfo.InvariantCulture)); break;
            case Value.F64 f: AppendFloat(output, f.V, double.IsNaN(f.V), double.IsInfinity(f.V), f.V.ToString("R", CultureInfo.InvariantCulture)); break;
            case Value.Char c:
                output.Append('\'');
                AppendEscaped(output, c.V, '\'');
                output.Append('\'');
                break;
            case Value.String s:
                output.Append('"');
                foreach (var rune in s.V.EnumerateRunes()) AppendEscaped(output, rune, '"');
                output.Append('"');
                break;
            case Value.List list:
                AppendSequence(output, '[', list.Items, ']');
                break;
            case Value.Tuple tuple:
                AppendSequence(output, '(', tuple.Items, ')');
                break;
            case Value.Option option:
                if (option.Inner is null) output.Append("none");
                else AppendCall(output, "some", option.Inner);
                break;
            case Value.Result result:
                AppendCall(output, result.IsOk ? "ok" : "err", result.Payload);
                break;
            case Value.Record record:
                if (record.Fields.Length == 0)
                {
                    output.Append("{:}");
                    break;
                }
                output.Append('{');
                for (var i = 0; i < record.Fields.Length; i++)
                {
                    if (i > 0) output.Append(", ");
                    AppendLabel(output, record.Fields[i].Name);
                    output.Append(": ");
                    Print(record.Fields[i].Value, output);
                }
                output.Append('}');
                break;
            case Value.Variant variant:
                AppendLabel(output, variant.Case);
                if (variant.Payload is not null)
                {
                    output.Append('(');
                    Print(variant.Payload, output);
                    output.Append(')');
                }
                break;
            case Value.Enum e:
                AppendLabel(output, e.Case);
                break;
            case Value.Flags flags:
                output.Append('{');
                for (var i = 0; i < flags.Names.Length; i++)
                {
                    if (i > 0) output.Append(", ");
                    AppendLabel(output, flags.Names[i]);
                }
                output.Append('}');
                break;
            default:
                throw new InvalidOperationException($"Unknown value kind {value.GetType().Name}.");
        }
    }

    /// <summary>Renders a label, escaping it with <c>%</c> when it is a WAVE keyword.</summary>
    public static string Label(string label) => WaveSyntax.IsKeyword(label) ? "%" + label : label;

    private static void AppendLabel(StringBuilder output, string label)
    {
        if (WaveSyntax.IsKeyword(label)) output.Append('%');
        output.Append(label);
    }

    private static void AppendCall(StringBuilder output, string name, Value? payload)
    {
        output.Append(name);
        if (payload is null) return;
        output.Append('(');
        Print(payload, output);
        output.Append(')');
    }

    private static void AppendSequence(StringBuilder output, char open, Types.EquatableArray<Value> items, char close)
    {
        output.Append(open);
        for (var i = 0; i < items.Length; i++)
        {
            if (i > 0) output.Append(", ");
            Print(items[i], output);
        }
        output.Append(close);
    }

    private static void AppendFloat(StringBuilder output, double value, bool isNaN, bool isInfinity, string text)
    {
        if (isNaN)
        {
            output.Append("nan");
            return;
        }
        if (isInfinity)
        {
            output.Append(value > 0 ? "inf" : "-inf");
            return;
        }
        output.Append(text);
        // Keep floats visibly floats: 1000 prints as 1000.0 (exponent forms are left as they are).
        if (text.AsSpan().IndexOfAny('.', 'E', 'e') < 0) output.Append(".0");
    }

    private static void AppendEscaped(StringBuilder output, Rune rune, char quote)
    {
        switch (rune.Value)
        {
            case '\\': output.Append("\\\\"); return;
            case '\n': output.Append("\\n"); return;
            case '\r': output.Append("\\r"); return;
            case '\t': output.Append("\\t"); return;
        }
        if (rune.Value == quote)
        {
            output.Append('\\').Append(quote);
            return;
        }
        if (Rune.IsControl(rune))
        {
            output.Append("\\u{").Append(rune.Value.ToString("x", CultureInfo.InvariantCulture)).Append('}');
            return;
        }
        Span<char> buffer = stackalloc char[2];
        var written = rune.EncodeToUtf16(buffer);
        output.Append(buffer[..written]);
    }
}
