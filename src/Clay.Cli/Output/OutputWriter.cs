using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;

namespace Clay.Cli.Output;

/// <summary>The <c>--format</c> of a command's output.</summary>
public enum OutputFormat
{
    /// <summary>For people: lines and tables.</summary>
    Text,
    /// <summary>The server's JSON, indented.</summary>
    Json,
    /// <summary>The same document as YAML.</summary>
    Yaml,
}

/// <summary>Writes a command's result in the chosen format; text rendering is the command's own.</summary>
public sealed class OutputWriter(OutputFormat format, TextWriter output)
{
    private static readonly JsonSerializerOptions Indented = new()
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        TypeInfoResolver = CliJson.Default,
    };

    /// <summary>The chosen format.</summary>
    public OutputFormat Format { get; } = format;

    /// <summary>Where output goes.</summary>
    public TextWriter Out { get; } = output;

    /// <summary>Writes a typed <paramref name="document"/> (an API answer) as JSON or YAML, or calls <paramref name="text"/> for text.</summary>
    public void Write<T>(T document, JsonTypeInfo<T> type, Action<TextWriter> text)
    {
        if (Format == OutputFormat.Text) text(Out);
        else Write(JsonSerializer.SerializeToNode(document, type) ?? new JsonObject(), text);
    }

    /// <summary>Writes <paramref name="document"/> as JSON or YAML, or calls <paramref name="text"/> for text.</summary>
    public void Write(JsonNode document, Action<TextWriter> text)
    {
        switch (Format)
        {
            case OutputFormat.Json:
                Out.WriteLine(document.ToJsonString(Indented));
                break;
            case OutputFormat.Yaml:
                Out.Write(Yaml.Write(document));
                break;
            default:
                text(Out);
                break;
        }
    }
}
