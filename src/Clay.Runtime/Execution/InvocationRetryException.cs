namespace Clay.Runtime.Execution;

/// <summary>
/// An effect failed transiently on each of its attempts: the invocation ends here and is retried as
/// a whole under the worker's retry policy. Worker code that catches it cannot go on: every later
/// effect of the attempt throws it again.
/// </summary>
public sealed class InvocationRetryException : Exception
{
    /// <summary>Creates the exception for effect <paramref name="effectName"/>.</summary>
    public InvocationRetryException(string effectName, Exception cause)
        : base($"effect '{effectName}' failed transiently on each attempt ({cause.Message}); the invocation will be retried", cause)
    {
        EffectName = effectName;
    }

    /// <summary>The effect that failed.</summary>
    public string EffectName { get; }
}
