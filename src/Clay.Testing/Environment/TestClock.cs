using Microsoft.Extensions.Time.Testing;

namespace Clay.Testing.Environment;

/// <summary>
/// The clock of a <see cref="ClayTestEnvironment"/>: a <see cref="FakeTimeProvider"/> that stands still
/// until the test moves it, and knows when its next timer is due, so the environment can skip time
/// from one wake-up to the next (<see cref="ClayTestEnvironment.SkipTimeAsync"/>).
/// </summary>
/// <remarks>
/// <see cref="FakeTimeProvider.Advance"/> moves the clock at once and fires what is due, without
/// waiting for the workers it woke; <see cref="ClayTestEnvironment.SkipTimeAsync"/> is usually what a test wants.
/// </remarks>
public sealed class TestClock : FakeTimeProvider
{
    private readonly Lock _gate = new();
    private readonly HashSet<TrackedTimer> _armed = [];

    /// <summary>A clock reading <paramref name="start"/> that moves only when told.</summary>
    public TestClock(DateTimeOffset start)
        : base(start)
    {
        AutoAdvanceAmount = TimeSpan.Zero;
    }

    /// <summary>When the earliest armed timer is due, or null when none is armed.</summary>
    public DateTimeOffset? NextTimerDue
    {
        get
        {
            lock (_gate) return _armed.Count == 0 ? null : _armed.Min(t => t.DueAt);
        }
    }

    /// <inheritdoc/>
    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        ArgumentNullException.ThrowIfNull(callback);
        var tracked = new TrackedTimer(this);
        tracked.Inner = base.CreateTimer(s =>
        {
            tracked.Fired();
            callback(s);
        }, state, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        tracked.Change(dueTime, period);
        return tracked;
    }

    private void Arm(TrackedTimer timer, bool armed)
    {
        lock (_gate)
        {
            if (armed) _armed.Add(timer);
            else _armed.Remove(timer);
        }
    }

    /// <summary>A timer of this clock whose due time the clock keeps.</summary>
    private sealed class TrackedTimer(TestClock clock) : ITimer
    {
        private TimeSpan _period = Timeout.InfiniteTimeSpan;

        public ITimer Inner { get; set; } = null!;

        public DateTimeOffset DueAt { get; private set; }

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            _period = period;
            var armed = dueTime != Timeout.InfiniteTimeSpan;
            if (armed) DueAt = clock.GetUtcNow() + dueTime;
            // Recorded before the inner timer may fire (a due time of zero fires at once).
            clock.Arm(this, armed);
            return Inner.Change(dueTime, period);
        }

        public void Fired()
        {
            if (_period == Timeout.InfiniteTimeSpan || _period == TimeSpan.Zero) clock.Arm(this, false);
            else DueAt = clock.GetUtcNow() + _period;
        }

        public void Dispose()
        {
            clock.Arm(this, false);
            Inner.Dispose();
        }

        public ValueTask DisposeAsync()
        {
            clock.Arm(this, false);
            return Inner.DisposeAsync();
        }
    }
}
