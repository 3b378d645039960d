using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Clay.Cli.Output;

/// <summary>Renders JSON documents as YAML (block style; strings quoted when YAML would misread them).</summary>
public static class Yaml
{
    /// <summary>The YAML text of <paramref name="node"/>.</summary>
    public static string Write(JsonNode? node)
    {
        var builder = new StringBuilder();
        WriteNode(builder, node, 0, inline: false);
        if (builder.Length == 0 || builder[^1] != '\n') builder.Append('\n');
        return builder.ToString();
    }

    private static void WriteNode(StringBuilder output, JsonNode? node, int indent, bool inline)
    {
        switch (node)
        {
            case JsonObject obj when obj.Count == 0:
                output.Append(inline ? " {}\n" : "{}\n");
                break;
            case JsonObject obj:
                if (inline) output.Append('\n');
                foreach (var (key, value) in obj)
                {
                    output.Append(' ', indent).Append(Scalar(key)).Append(':');
                    WriteNode(output, value, indent + 2, inline: true);
                }
                break;
            case JsonArray array when array.Count == 0:
                output.Append(inline ? " []\n" : "[]\n");
                break;
            case JsonArray array:
                if (inline) output.Append('\n');
                foreach (var item in array)
                {
                    output.Append(' ', indent).Append('-');
                    if (item is JsonObject { Count: > 0 } itemObject)
                    {
                        // The first key goes on the dash line.
                        var first = true;
                        foreach (var (key, value) in itemObject)
                        {
                            if (!first) output.Append(' ', indent + 2);
                            else output.Append(' ');
                            first = false;
                            output.Append(Scalar(key)).Append(':');
                            WriteNode(output, value, indent + 4, inline: true);
                        }
                    }
                    else
                    {
                        WriteNode(output, item, indent + 2, inline: true);
                    }
                }
                break;
            default:
                if (inline) output.Append(' ');
                output.Append(ScalarOf(node)).Append('\n');
                break;
        }
    }

    private static string ScalarOf(JsonNode? node)
    {
        if (node is null) return "null";
        var value = node.AsValue();
        return value.GetValueKind() switch
        {
            JsonValueKind.String => Scalar(value.GetValue<string>()),
            JsonValueKind.True => "true",
            JsonValueKind.False => "false",
            _ => value.ToJsonString(),
        };
    }

    private static string Scalar(string text)
    {
        var plain = text.Length > 0
                    && !char.IsWhiteSpace(text[0]) && !char.IsWhiteSpace(text[^1])
                    && text.IndexOfAny([':', '#', '\n', '"', '\'', '{', '}', '[', ']', ',', '&', '*', '!', '|', '>', '%', '@', '`']) < 0
                    && text[0] is not ('-' or '?')
                    && !double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out _)
                    && text is not ("true" or "false" or "null" or "yes" or "no" or "on" or "off" or "~");
        return plain ? text : JsonSerializer.Serialize(text, Quoting);
    }

    private static readonly System.Text.Json.Serialization.Metadata.JsonTypeInfo<string> Quoting =
        new CliJson(new JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }).String;
}
