namespace Clay.Sdk;

/// <summary>
/// The invocation retry policy of a component's workers, replacing the server's: how often an
/// invocation that fails for a transient reason (a <see cref="TransientException"/>, an effect out of
/// attempts, an infrastructure fault) is retried as a whole before the worker is failed. A worker
/// created with the environment variables <c>CLAY_RETRY_MAX_ATTEMPTS</c>,
/// <c>CLAY_RETRY_INITIAL_DELAY</c>, <c>CLAY_RETRY_MAX_DELAY</c> or <c>CLAY_RETRY_MULTIPLIER</c>
/// overrides these for itself.
/// </summary>
/// <example><c>[ClayWorker, InvocationRetry(10, InitialDelaySeconds = 0.5, MaxDelaySeconds = 30)]</c></example>
/// <param name="maxAttempts">Total attempts, at least 1 (1: no retry).</param>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class InvocationRetryAttribute(int maxAttempts) : Attribute
{
    /// <summary>Total attempts, at least 1.</summary>
    public int MaxAttempts { get; } = maxAttempts;

    /// <summary>Seconds before the first retry (1 by default).</summary>
    public double InitialDelaySeconds { get; set; } = 1;

    /// <summary>The longest wait between two attempts, in seconds (60 by default).</summary>
    public double MaxDelaySeconds { get; set; } = 60;

    /// <summary>What each wait is multiplied by (2 by default).</summary>
    public double Multiplier { get; set; } = 2;

    /// <summary>The policy these settings describe.</summary>
    public RetryPolicy ToPolicy() =>
        new(MaxAttempts, TimeSpan.FromSeconds(InitialDelaySeconds), TimeSpan.FromSeconds(MaxDelaySeconds), Multiplier);
}
