using System.Threading.Channels;
using Microsoft.Extensions.Time.Testing;

namespace Clay.Runtime.Tests.Execution;

/// <summary>
/// A fake clock that also announces every timer created on it, so a test can wait for the moment
/// code starts waiting (a backoff, a sleep) instead of polling for it, and then move time. Re-arming a
/// timer (<see cref="ITimer.Change"/>) is announced as well.
/// </summary>
public sealed class ObservedFakeTime(DateTimeOffset start) : FakeTimeProvider(start)
{
    private readonly Channel<TimeSpan> _timers = Channel.CreateUnbounded<TimeSpan>();

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = base.CreateTimer(callback, state, dueTime, period);
        Announce(dueTime);
        return new ObservedTimer(timer, this);
    }

    private void Announce(TimeSpan dueTime)
    {
        if (dueTime > TimeSpan.Zero && dueTime != Timeout.InfiniteTimeSpan) _timers.Writer.TryWrite(dueTime);
    }

    /// <summary>A timer whose re-arming is announced too, as a new timer would be.</summary>
    private sealed class ObservedTimer(ITimer inner, ObservedFakeTime time) : ITimer
    {
        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            var changed = inner.Change(dueTime, period);
            time.Announce(dueTime);
            return changed;
        }

        public void Dispose() => inner.Dispose();

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }

    /// <summary>Waits until the next timer with a due time is created and returns that due time.</summary>
    public async Task<TimeSpan> NextTimerAsync(TimeSpan? timeout = null) =>
        await _timers.Reader.ReadAsync().AsTask().WaitAsync(timeout ?? TimeSpan.FromSeconds(30));
}
