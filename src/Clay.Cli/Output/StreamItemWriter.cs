using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Clay.Client.Contracts;

namespace Clay.Cli.Output;

/// <summary>
/// Writes the items of a stream that does not end (log lines, followed oplog entries) one at a time,
/// flushed at once: text lines for people, one compact JSON document per line (JSON Lines) for
/// <c>--format json</c>, and one YAML document per item (<c>---</c> between them) for <c>yaml</c>.
/// </summary>
public sealed class StreamItemWriter(OutputFormat format, TextWriter output)
{
    private static readonly JsonSerializerOptions Compact = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Where items go.</summary>
    public TextWriter Out { get; } = output;

    /// <summary>Writes one item: <paramref name="text"/> renders it for the text format.</summary>
    public void Write<T>(T item, JsonTypeInfo<T> type, Action<TextWriter> text)
    {
        switch (format)
        {
            case OutputFormat.Json:
                Out.WriteLine(JsonSerializer.SerializeToNode(item, type)!.ToJsonString(Compact));
                break;
            case OutputFormat.Yaml:
                Out.WriteLine("---");
                Out.Write(Yaml.Write(JsonSerializer.SerializeToNode(item, type)!));
                break;
            default:
                text(Out);
                break;
        }
        Out.Flush();
    }

    /// <summary>A log line for people: <c>12:00:01.234 INFO  [stdout] message</c> (UTC time; the context only when there is one).</summary>
    public static string Text(LogLineDto line)
    {
        var context = line.Context.Length == 0 ? "" : $"[{line.Context}] ";
        var time = line.Timestamp.UtcDateTime.ToString("HH:mm:ss.fff", CultureInfo.InvariantCulture);
        return $"{time} {line.Level.ToUpperInvariant(),-5} {context}{line.Message}";
    }
}
