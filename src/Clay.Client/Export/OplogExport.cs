using System.Text;
using System.Text.Json;
using Clay.Client.Contracts;

namespace Clay.Client.Export;

/// <summary>
/// A worker's whole oplog in a file (<c>clay worker oplog C/W --export FILE</c>): JSON Lines, UTF-8.
/// The first line is an <see cref="OplogExportHeader"/>; each following line is one entry — an
/// <see cref="OplogEntryDto"/> with its index, time, kind and display fields for people, and
/// <see cref="OplogEntryDto.Encoded"/>, the entry's bytes in Clay's oplog codec, which is what a
/// replay reads. Entries are complete and in order from index 1.
/// </summary>
/// <example>
/// <code>
/// {"format":"clay-oplog-export","version":1,"component":"demo:cart","worker":"cart-1","exportedAt":"2026-12-02T14:00:00+00:00","entries":2}
/// {"index":1,"timestamp":"…","kind":"create","fields":[["component-version","0"]],"encoded":"AQ…"}
/// {"index":2,"timestamp":"…","kind":"exported-function-invoked","fields":[…],"encoded":"Ag…"}
/// </code>
/// </example>
public sealed class OplogExport
{
    /// <summary>The <see cref="OplogExportHeader.Format"/> of every oplog export.</summary>
    public const string FormatName = "clay-oplog-export";

    /// <summary>The version of the format this library writes and reads.</summary>
    public const int CurrentVersion = 1;

    /// <summary>An export of <paramref name="entries"/>, described by <paramref name="header"/>.</summary>
    public OplogExport(OplogExportHeader header, IReadOnlyList<OplogEntryDto> entries)
    {
        ArgumentNullException.ThrowIfNull(header);
        ArgumentNullException.ThrowIfNull(entries);
        Header = header;
        Entries = entries;
    }

    /// <summary>The first line.</summary>
    public OplogExportHeader Header { get; }

    /// <summary>The entries, index 1 first.</summary>
    public IReadOnlyList<OplogEntryDto> Entries { get; }

    /// <summary>Fetches a worker's whole oplog, with each entry's encoded bytes, from the server.</summary>
    public static async Task<OplogExport> FetchAsync(ClayClient client, string component, string worker, TimeProvider? time = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        var entries = new List<OplogEntryDto>();
        await foreach (var entry in client.ExportOplogAsync(component, worker, cancellationToken: cancellationToken)) entries.Add(entry);
        var header = new OplogExportHeader(FormatName, CurrentVersion, component, worker, (time ?? TimeProvider.System).GetUtcNow(), entries.Count);
        return new OplogExport(header, entries);
    }

    /// <summary>Writes the export to <paramref name="output"/>, one JSON document a line.</summary>
    public async Task WriteAsync(Stream output, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(output);
        await using var writer = new StreamWriter(output, new UTF8Encoding(false), leaveOpen: true) { NewLine = "\n" };
        await writer.WriteLineAsync(JsonSerializer.Serialize(Header, ClayJsonContext.Default.OplogExportHeader).AsMemory(), cancellationToken);
        foreach (var entry in Entries)
        {
            await writer.WriteLineAsync(JsonSerializer.Serialize(entry, ClayJsonContext.Default.OplogEntryDto).AsMemory(), cancellationToken);
        }
    }

    /// <summary>Reads an export, checking its format, version and completeness.</summary>
    /// <exception cref="InvalidDataException">Not an oplog export, a version this library does not read, or a damaged or cut-off file; the message names the line.</exception>
    public static async Task<OplogExport> ReadAsync(Stream input, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        using var reader = new StreamReader(input, Encoding.UTF8, detectEncodingFromByteOrderMarks: true, leaveOpen: true);
        var first = await reader.ReadLineAsync(cancellationToken) ?? throw new InvalidDataException("the file is empty: an oplog export starts with its header line");
        var header = Parse(first, 1, ClayJsonContext.Default.OplogExportHeader);
        if (header.Format != FormatName)
        {
            throw new InvalidDataException($"line 1: the format is '{header.Format}', not '{FormatName}': this is not a Clay oplog export");
        }
        if (header.Version != CurrentVersion)
        {
            throw new InvalidDataException($"line 1: the export is version {header.Version} of the format; this Clay reads version {CurrentVersion}");
        }
        var entries = new List<OplogEntryDto>();
        var line = 1;
        while (await reader.ReadLineAsync(cancellationToken) is { } text)
        {
            line++;
            if (text.Length == 0) continue;
            var entry = Parse(text, line, ClayJsonContext.Default.OplogEntryDto);
            if (entry.Index != entries.Count + 1)
            {
                throw new InvalidDataException($"line {line}: entry {entry.Index} where entry {entries.Count + 1} was expected: entries are complete and in order from 1");
            }
            if (string.IsNullOrEmpty(entry.Encoded))
            {
                throw new InvalidDataException($"line {line}: entry {entry.Index} has no 'encoded' bytes: a replay needs them");
            }
            entries.Add(entry);
        }
        if (entries.Count != header.Entries)
        {
            throw new InvalidDataException($"the header announces {header.Entries} entries but the file holds {entries.Count}: it was cut off");
        }
        return new OplogExport(header, entries);
    }

    private static T Parse<T>(string text, int line, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type)
    {
        try
        {
            return JsonSerializer.Deserialize(text, type) ?? throw new InvalidDataException($"line {line}: null where a JSON object was expected");
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"line {line}: not valid JSON for an oplog export: {ex.Message}", ex);
        }
    }
}
