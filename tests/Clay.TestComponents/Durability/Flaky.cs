using Clay.Sdk;

namespace Clay.TestComponents.Durability;

/// <summary>Runs an effect that fails transiently a set number of times before it succeeds.</summary>
[ClayWorker]
public sealed class Flaky(WorkerContext context)
{
    /// <summary>How many more times the effect fails before succeeding.</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Clay.Determinism", "CLAY015", Justification = "Tests set how often the effect fails before a run.")]
    public static int FailuresLeft { get; set; }

    /// <summary>How many times the effect really ran.</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Clay.Determinism", "CLAY015", Justification = "Tests count the effect's real attempts, across retries.")]
    public static int Attempts { get; set; }

    /// <summary>Runs the flaky effect and returns its value; fails permanently with a non-transient error when <paramref name="permanent"/>.</summary>
    public async Task<string> Fetch(bool permanent)
    {
        try
        {
            return await context.RunAsync("fetch", _ =>
            {
                Attempts++;
                if (permanent) throw new ArgumentException("bad request");
                if (FailuresLeft-- > 0) throw new TransientException("service unavailable");
                return Task.FromResult($"fetched after {Attempts} attempts");
            });
        }
        catch (EffectFailedException failed)
        {
            return $"failed: {failed.ExceptionType}: {failed.Message}";
        }
    }
}
