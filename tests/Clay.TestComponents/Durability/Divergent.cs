using Clay.Sdk;

namespace Clay.TestComponents.Durability;

/// <summary>
/// Branches on something outside the durable context (as code reading <c>DateTime.Now</c> does),
/// or stands for a changed version of its code: tests flip <see cref="UseClock"/> between runs.
/// </summary>
[ClayWorker]
public sealed class Divergent(WorkerContext context)
{
    private readonly List<string> _values = [];

    /// <summary>Which effect the code asks for: the clock or a GUID.</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Clay.Determinism", "CLAY015", Justification = "Tests flip the branch between runs to make a worker diverge from its history on purpose.")]
    public static bool UseClock { get; set; }

    /// <summary>Returns a different value each time, by a branch replay cannot see.</summary>
    public string Step()
    {
        var value = UseClock ? context.UtcNow().ToString("O") : context.NewGuid().ToString();
        _values.Add(value);
        return value;
    }

    /// <summary>Returns the number of steps, plus one when <see cref="UseClock"/> is set (a changed result).</summary>
    public int Count() => _values.Count + (UseClock ? 1 : 0);

    /// <summary>Takes a value as <see cref="Step"/> does, then naps for an hour: an invocation that is in flight across a restart.</summary>
    public async Task<string> StepThenNap()
    {
        var value = Step();
        await context.SleepAsync(TimeSpan.FromHours(1));
        return value;
    }
}
