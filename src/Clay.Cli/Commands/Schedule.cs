using System.Globalization;
using System.Text.RegularExpressions;

namespace Clay.Cli.Commands;

/// <summary>Reads <c>--schedule-at</c> and <c>--schedule-in</c>.</summary>
public static partial class Schedule
{
    /// <summary>The time an invocation is scheduled for, or null when neither option is given.</summary>
    /// <exception cref="CliException"><c>invalid-usage</c>: both given, or a value that is not a time or duration.</exception>
    public static DateTimeOffset? Parse(string? at, string? after, DateTimeOffset now)
    {
        if (at is not null && after is not null) throw Usage("give --schedule-at or --schedule-in, not both");
        if (at is not null)
        {
            return DateTimeOffset.TryParse(at, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time)
                ? time
                : throw Usage($"--schedule-at '{at}' is not a time: use ISO 8601, e.g. 2026-12-24T18:00:00Z");
        }
        if (after is null) return null;
        var match = Duration().Match(after);
        if (match.Success)
        {
            var amount = double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
            return now + match.Groups[2].Value switch
            {
                "ms" => TimeSpan.FromMilliseconds(amount),
                "s" => TimeSpan.FromSeconds(amount),
                "m" => TimeSpan.FromMinutes(amount),
                "h" => TimeSpan.FromHours(amount),
                _ => TimeSpan.FromDays(amount),
            };
        }
        return TimeSpan.TryParse(after, CultureInfo.InvariantCulture, out var span) && span >= TimeSpan.Zero
            ? now + span
            : throw Usage($"--schedule-in '{after}' is not a duration: use e.g. 90s, 15m, 2h, 1d or 00:15:00");
    }

    private static CliException Usage(string message) => new("invalid-usage", message, ExitCodes.InvalidInput);

    [GeneratedRegex(@"^(\d+(?:\.\d+)?)(ms|s|m|h|d)$")]
    private static partial Regex Duration();
}
