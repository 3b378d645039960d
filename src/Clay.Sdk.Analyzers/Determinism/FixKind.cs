namespace Clay.Sdk.Analyzers.Determinism;

/// <summary>
/// What the code fix replaces a flagged expression with; carried from the analyzer to the fix in
/// the diagnostic's properties under <see cref="Property"/>.
/// </summary>
internal static class FixKind
{
    public const string Property = "ClayFix";

    /// <summary><c>DateTime.UtcNow</c>, <c>DateTime.Now</c> → <c>context.UtcNow().UtcDateTime</c>.</summary>
    public const string DateTime = "DateTime";

    /// <summary><c>DateTime.Today</c> → <c>context.UtcNow().UtcDateTime.Date</c>.</summary>
    public const string DateTimeToday = "DateTimeToday";

    /// <summary><c>DateTimeOffset.UtcNow</c>, <c>Now</c> → <c>context.UtcNow()</c>.</summary>
    public const string DateTimeOffset = "DateTimeOffset";

    /// <summary><c>Environment.TickCount</c> → milliseconds of <c>context.MonotonicNanoseconds()</c>, as an int.</summary>
    public const string TickCount = "TickCount";

    /// <summary><c>Environment.TickCount64</c> → milliseconds of <c>context.MonotonicNanoseconds()</c>.</summary>
    public const string TickCount64 = "TickCount64";

    /// <summary><c>Random.Shared.Next(…)</c>, <c>NextDouble()</c>… → <c>context.NextRandom(…)</c>, <c>NextRandomDouble()</c>.</summary>
    public const string Random = "Random";

    /// <summary><c>Guid.NewGuid()</c> → <c>context.NewGuid()</c>.</summary>
    public const string NewGuid = "NewGuid";

    /// <summary><c>new HttpClient()</c> → <c>context.Http</c>.</summary>
    public const string HttpClient = "HttpClient";

    /// <summary><c>Task.Delay(…)</c> → <c>context.SleepAsync(…)</c>.</summary>
    public const string Delay = "Delay";

    /// <summary><c>Thread.Sleep(…)</c> in an async function → <c>await context.SleepAsync(…)</c>.</summary>
    public const string Sleep = "Sleep";

    /// <summary><c>ConfigureAwait(false)</c> → <c>ConfigureAwait(true)</c> or nothing.</summary>
    public const string ConfigureAwait = "ConfigureAwait";

    /// <summary><c>Environment.GetEnvironmentVariable(name)</c> → <c>context.Environment.GetValueOrDefault(name)</c>.</summary>
    public const string EnvironmentVariable = "EnvironmentVariable";
}
