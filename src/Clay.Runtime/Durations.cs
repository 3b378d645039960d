using System.Globalization;
using Clay.Runtime.Errors;

namespace Clay.Runtime;

/// <summary>Durations written by people: <c>500ms</c>, <c>30s</c>, <c>10m</c>, <c>1h</c>, or .NET's <c>00:10:00</c>.</summary>
public static class Durations
{
    /// <summary>Parses a positive duration.</summary>
    /// <exception cref="ClayException"><c>invalid-arguments</c>, naming the text.</exception>
    public static TimeSpan Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Contains(':', StringComparison.Ordinal) && TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var span) && span > TimeSpan.Zero)
        {
            return span;
        }
        var (number, unit) = text.EndsWith("ms", StringComparison.Ordinal) ? (text[..^2], "ms") : (text.Length > 1 ? text[..^1] : "", text[^1..]);
        if (double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var n) && n > 0 && double.IsFinite(n))
        {
            switch (unit)
            {
                case "ms": return TimeSpan.FromMilliseconds(n);
                case "s": return TimeSpan.FromSeconds(n);
                case "m": return TimeSpan.FromMinutes(n);
                case "h": return TimeSpan.FromHours(n);
            }
        }
        throw new ClayException(ErrorCodes.InvalidArguments, $"'{text}' is not a duration: use for example 500ms, 30s, 10m, 1h or 00:10:00");
    }
}
