using System.Globalization;
using Spectre.Console;

namespace Clay.Cli.Output;

/// <summary>Helpers for the text format.</summary>
public static class Show
{
    /// <summary>A Spectre console on <paramref name="output"/>; wide when not a terminal so tables do not wrap.</summary>
    public static IAnsiConsole Console(TextWriter output)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(output) });
        if (System.Console.IsOutputRedirected) console.Profile.Width = 240;
        return console;
    }

    /// <summary>Writes aligned <c>key: value</c> lines, skipping null values.</summary>
    public static void Fields(TextWriter output, params (string Key, string? Value)[] fields)
    {
        var width = fields.Where(f => f.Value is not null).Select(f => f.Key.Length).DefaultIfEmpty(0).Max() + 1;
        foreach (var (key, value) in fields)
        {
            if (value is null) continue;
            output.WriteLine($"{(key + ":").PadRight(width)} {value}");
        }
    }

    /// <summary>A byte count the way people read it: <c>48,128 bytes (47.0 KiB)</c>.</summary>
    public static string Bytes(long bytes)
    {
        var exact = bytes.ToString("N0", CultureInfo.InvariantCulture) + " bytes";
        if (bytes < 1024) return exact;
        string[] units = ["KiB", "MiB", "GiB", "TiB"];
        double value = bytes;
        var unit = -1;
        while (value >= 1024 && unit < units.Length - 1)
        {
            value /= 1024;
            unit++;
        }
        return $"{exact} ({value.ToString("0.0", CultureInfo.InvariantCulture)} {units[unit]})";
    }

    /// <summary>A timestamp in UTC, to the second.</summary>
    public static string Time(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>A number, invariantly.</summary>
    public static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);
}
