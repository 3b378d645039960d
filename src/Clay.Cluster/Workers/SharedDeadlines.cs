using System.Collections.Concurrent;

namespace Clay.Cluster.Workers;

/// <summary>
/// Deadlines for waits that are long and loosely bounded (a grain call gives up waiting for its
/// invocation after many seconds): every wait that ends in the same tick of <see cref="Tick"/> shares
/// one task and one timer, instead of each call making a timer of its own and cancelling it when its
/// invocation ends first — which it nearly always does.
/// </summary>
/// <remarks>
/// A deadline's task completes no earlier than the wait asked for and at most one tick later. Each
/// tick's task is made by the first wait that falls in it and forgotten when it completes.
/// </remarks>
internal sealed class SharedDeadlines(TimeProvider time)
{
    /// <summary>How finely deadlines are told apart: a wait ends at most this much late.</summary>
    public static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(100);

    /// <summary>The deadlines of this process's clock.</summary>
    public static SharedDeadlines System { get; } = new(TimeProvider.System);

    private static readonly Task Never = new TaskCompletionSource().Task;
    private readonly ConcurrentDictionary<long, Task> _ticks = new();

    /// <summary>How many ticks have a task waiting for them.</summary>
    internal int Pending => _ticks.Count;

    /// <summary>A task that completes once <paramref name="wait"/> has passed, at most one <see cref="Tick"/> late; never, for an infinite wait.</summary>
    public Task After(TimeSpan wait)
    {
        if (wait == Timeout.InfiniteTimeSpan || wait >= TimeSpan.FromDays(1)) return Never;
        if (wait <= TimeSpan.Zero) return Task.CompletedTask;
        var now = (long)(time.GetTimestamp() * ((double)TimeSpan.TicksPerSecond / time.TimestampFrequency));
        // The tick the wait ends in, rounded up: its task fires at that tick's end.
        var tick = (now + wait.Ticks + Tick.Ticks - 1) / Tick.Ticks;
        return _ticks.TryGetValue(tick, out var shared) ? shared : Add(tick, now);
    }

    private Task Add(long tick, long now)
    {
        var fired = Task.Delay(TimeSpan.FromTicks(tick * Tick.Ticks - now), time);
        var shared = _ticks.GetOrAdd(tick, fired);
        if (ReferenceEquals(shared, fired))
        {
            fired.ContinueWith(static (task, state) =>
            {
                var (ticks, tick) = ((ConcurrentDictionary<long, Task>, long))state!;
                ticks.TryRemove(new KeyValuePair<long, Task>(tick, task));
            }, (_ticks, tick), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }
        return shared;
    }
}
