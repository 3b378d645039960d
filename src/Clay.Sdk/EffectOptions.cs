namespace Clay.Sdk;

/// <summary>How the durable context runs an external effect.</summary>
public sealed record EffectOptions
{
    /// <summary>The defaults: not idempotent, three attempts with exponential backoff.</summary>
    public static EffectOptions Default { get; } = new();

    /// <summary>
    /// True when running the effect twice is harmless. Only an idempotent effect is run again when a
    /// crash left its outcome unknown; otherwise the worker gets an <see cref="EffectOutcomeUnknownException"/>.
    /// </summary>
    public bool Idempotent { get; init; }

    /// <summary>How transient failures of the effect are retried.</summary>
    public RetryPolicy Retry { get; init; } = RetryPolicy.Default;
}

/// <summary>Attempts and exponential backoff for transient failures.</summary>
/// <param name="MaxAttempts">Total attempts, at least 1.</param>
/// <param name="InitialDelay">Delay before the second attempt.</param>
/// <param name="MaxDelay">Upper bound of a delay.</param>
/// <param name="Multiplier">Growth of the delay per attempt.</param>
public sealed record RetryPolicy(int MaxAttempts, TimeSpan InitialDelay, TimeSpan MaxDelay, double Multiplier)
{
    /// <summary>Three attempts, 100 ms then 200 ms, at most 5 s apart.</summary>
    public static RetryPolicy Default { get; } = new(3, TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(5), 2.0);

    /// <summary>A single attempt.</summary>
    public static RetryPolicy None { get; } = new(1, TimeSpan.Zero, TimeSpan.Zero, 1.0);

    /// <summary>The delay before attempt <paramref name="attempt"/> (2 = the first retry).</summary>
    public TimeSpan DelayBefore(int attempt)
    {
        if (attempt <= 1) return TimeSpan.Zero;
        var ms = InitialDelay.TotalMilliseconds * Math.Pow(Multiplier, attempt - 2);
        return TimeSpan.FromMilliseconds(Math.Min(ms, MaxDelay.TotalMilliseconds));
    }
}
