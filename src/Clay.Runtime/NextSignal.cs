namespace Clay.Runtime;

/// <summary>
/// Wakes whoever waits for the next event of a kind (a worker used, a request served) without costing
/// the code that reports events more than one read while nobody waits. A waiter arms it and gets a
/// task; the next <see cref="Signal"/> completes that task and disarms it.
/// </summary>
public sealed class NextSignal
{
    private TaskCompletionSource? _next;

    /// <summary>Completes at the next <see cref="Signal"/> (the same task for every waiter until then).</summary>
    public Task NextAsync()
    {
        var next = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        return (Interlocked.CompareExchange(ref _next, next, null) ?? next).Task;
    }

    /// <summary>Reports an event: wakes the waiters, if any.</summary>
    public void Signal()
    {
        if (Volatile.Read(ref _next) is not null) Interlocked.Exchange(ref _next, null)?.TrySetResult();
    }

    /// <summary>Forgets an armed wait nobody needs any more, so that events cost one read again.</summary>
    public void Disarm() => Volatile.Write(ref _next, null);

    /// <summary>Waits for <paramref name="next"/> at most <paramref name="most"/>: true when it came, false when the time passed first.</summary>
    public static async Task<bool> WaitAsync(Task next, TimeSpan most, TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(next);
        try
        {
            await next.WaitAsync(most, time, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }
}
