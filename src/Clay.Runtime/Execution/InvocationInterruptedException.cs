namespace Clay.Runtime.Execution;

/// <summary>
/// The worker was interrupted (<c>clay worker interrupt</c>): the running invocation stops at its next
/// effect or wait. Worker code that catches it cannot go on: every later effect throws it again.
/// </summary>
public sealed class InvocationInterruptedException : Exception
{
    /// <summary>Creates the exception for <paramref name="worker"/>.</summary>
    public InvocationInterruptedException(WorkerId worker)
        : base($"worker {worker} was interrupted; it continues from here when resumed")
    {
    }
}
