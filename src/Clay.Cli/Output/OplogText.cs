using System.Globalization;
using Clay.Client.Contracts;

namespace Clay.Cli.Output;

/// <summary>An oplog entry in the text format: <c>#00012: kind</c>, then its fields indented and aligned.</summary>
public static class OplogText
{
    /// <summary>Writes <paramref name="entry"/>.</summary>
    public static void Write(TextWriter output, OplogEntryDto entry)
    {
        output.WriteLine($"#{entry.Index.ToString("D5", CultureInfo.InvariantCulture)}: {entry.Kind}");
        var fields = new List<(string, string?)> { ("at", Show.Time(entry.Timestamp)) };
        fields.AddRange(entry.Fields.Select(p => (p[0], (string?)p[1])));
        using var indented = new StringWriter();
        Show.Fields(indented, fields.ToArray());
        foreach (var line in indented.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries)) output.WriteLine("        " + line);
    }
}
