namespace Clay.Server.Hosting;

/// <summary>
/// The clock Orleans' cluster membership runs on when the node is alone: the system's clock, except
/// that the local health monitor's thread-pool stall sampler — a timer every 100 ms, the largest
/// source of wake-ups in an idle server — is never armed.
/// </summary>
/// <remarks>
/// The sampler's record is read in two places: when a probe of another node times out (to tell a
/// dead peer from a stalled self), and in the node's health score that it reports to the peers that
/// probe it. A node alone has neither, so the record is never used; an idle server then wakes about
/// five times a second instead of fifteen (docs/benchmarks.md, "An idle server"). A cluster node keeps
/// the system's clock for membership.
/// </remarks>
internal sealed class SingleNodeMembershipClock : TimeProvider
{
    /// <summary>The period of Orleans' thread-pool stall sampler (<c>ThreadPoolStallDetector.DetectionPeriod</c>).</summary>
    internal static readonly TimeSpan StallSamplingPeriod = TimeSpan.FromMilliseconds(100);

    /// <inheritdoc/>
    public override TimeZoneInfo LocalTimeZone => System.LocalTimeZone;

    /// <inheritdoc/>
    public override long TimestampFrequency => System.TimestampFrequency;

    /// <inheritdoc/>
    public override long GetTimestamp() => System.GetTimestamp();

    /// <inheritdoc/>
    public override DateTimeOffset GetUtcNow() => System.GetUtcNow();

    /// <inheritdoc/>
    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
        IsStallSampler(state, dueTime, period) ? new Unarmed() : System.CreateTimer(callback, state, dueTime, period);

    /// <summary>The sampler is recognised by its period and by its type's name, so that no other membership timer is touched.</summary>
    internal static bool IsStallSampler(object? state, TimeSpan dueTime, TimeSpan period) =>
        dueTime == StallSamplingPeriod && period == StallSamplingPeriod && state?.GetType().Name == "ThreadPoolStallDetector";

    /// <summary>A timer that never fires.</summary>
    private sealed class Unarmed : ITimer
    {
        public bool Change(TimeSpan dueTime, TimeSpan period) => true;

        public void Dispose()
        {
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
