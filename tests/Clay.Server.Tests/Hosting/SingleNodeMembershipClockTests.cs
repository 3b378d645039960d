using System.Reflection;
using Clay.Server.Hosting;

namespace Clay.Server.Tests.Hosting;

public sealed class SingleNodeMembershipClockTests
{
    [Fact]
    public void The_sampler_it_leaves_unarmed_is_still_Orleans_thread_pool_stall_detector_with_its_period()
    {
        // If an Orleans upgrade renames the sampler or changes its period, the clock would no longer
        // recognise it (an idle server would wake ten times a second more): this fails first.
        var detector = Assembly.Load("Orleans.Runtime").GetType("Orleans.Runtime.MembershipService.ThreadPoolStallDetector");
        Assert.NotNull(detector);
        var period = detector.GetField("DetectionPeriod", BindingFlags.Static | BindingFlags.NonPublic | BindingFlags.Public)?.GetValue(null);
        Assert.Equal(SingleNodeMembershipClock.StallSamplingPeriod, period);
    }

    [Fact]
    public async Task It_never_fires_the_stall_sampler_and_fires_every_other_timer()
    {
        var clock = new SingleNodeMembershipClock();
        var sampler = new ThreadPoolStallDetector();
        var sampled = 0;
        using var unarmed = clock.CreateTimer(_ => Interlocked.Increment(ref sampled), sampler,
            SingleNodeMembershipClock.StallSamplingPeriod, SingleNodeMembershipClock.StallSamplingPeriod);
        var other = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var fired = 0;
        using var armed = clock.CreateTimer(_ => { if (Interlocked.Increment(ref fired) == 3) other.TrySetResult(); }, new object(),
            SingleNodeMembershipClock.StallSamplingPeriod, SingleNodeMembershipClock.StallSamplingPeriod);

        // The other timer, with the same period, fires three times; by then the sampler's would have too.
        await other.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(0, Volatile.Read(ref sampled));
        Assert.Equal(TimeProvider.System.GetUtcNow().Date, clock.GetUtcNow().Date);
    }

    /// <summary>Named as Orleans' sampler is: the clock recognises it by its type's name.</summary>
    private sealed class ThreadPoolStallDetector;
}
