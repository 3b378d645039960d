using System.Threading.Channels;
using Microsoft.Extensions.Time.Testing;

namespace Clay.Runtime.Tests.Execution;

/// <summary>
/// A fake clock that also announces every timer created on it, so a test can wait for the moment
/// code starts waiting (a backoff, a sleep) instead of polling for it, and then move time.
/// </summary>
public sealed class ObservedFakeTime(DateTimeOffset start) : FakeTimeProvider(start)
{
    private readonly Channel<TimeSpan> _timers = Channel.CreateUnbounded<TimeSpan>();

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = base.CreateTimer(callback, state, dueTime, period);
        if (dueTime > TimeSpan.Zero && dueTime != Timeout.InfiniteTimeSpan) _timers.Writer.TryWrite(dueTime);
        return timer;
    }

    /// <summary>Waits until the next timer with a due time is created and returns that due time.</summary>
    public async Task<TimeSpan> NextTimerAsync(TimeSpan? timeout = null) =>
        await _timers.Reader.ReadAsync().AsTask().WaitAsync(timeout ?? TimeSpan.FromSeconds(30));
}
