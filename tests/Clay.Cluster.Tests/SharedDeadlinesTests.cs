using Clay.Cluster.Workers;
using Microsoft.Extensions.Time.Testing;

namespace Clay.Cluster.Tests;

public sealed class SharedDeadlinesTests
{
    [Fact]
    public void Waits_ending_in_one_tick_share_a_task_that_completes_no_earlier_than_the_longest_and_at_most_a_tick_later()
    {
        var time = new FakeTimeProvider();
        var deadlines = new SharedDeadlines(time);
        // Off a tick's edge, so that the two waits below end inside one tick.
        time.Advance(TimeSpan.FromMilliseconds(20));

        var first = deadlines.After(TimeSpan.FromSeconds(25));
        time.Advance(TimeSpan.FromMilliseconds(10));
        var second = deadlines.After(TimeSpan.FromSeconds(25));
        var later = deadlines.After(TimeSpan.FromSeconds(26));

        Assert.Same(first, second);
        Assert.NotSame(first, later);
        Assert.Equal(2, deadlines.Pending);

        // The second wait asked for 25 s from 10 ms in: not done just before that.
        time.Advance(TimeSpan.FromSeconds(25) - TimeSpan.FromMilliseconds(1));
        Assert.False(first.IsCompleted);
        time.Advance(SharedDeadlines.Tick);
        Assert.True(first.IsCompleted);
        Assert.False(later.IsCompleted);
        Assert.Equal(1, deadlines.Pending);

        time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(later.IsCompleted);
        Assert.Equal(0, deadlines.Pending);
    }

    [Fact]
    public void A_wait_asked_after_its_tick_fired_gets_a_new_task()
    {
        var time = new FakeTimeProvider();
        var deadlines = new SharedDeadlines(time);
        var first = deadlines.After(TimeSpan.FromSeconds(1));
        time.Advance(TimeSpan.FromSeconds(2));
        Assert.True(first.IsCompleted);

        var next = deadlines.After(TimeSpan.FromSeconds(1));

        Assert.NotSame(first, next);
        Assert.False(next.IsCompleted);
    }

    [Fact]
    public void An_infinite_wait_never_ends_and_holds_no_timer_and_a_wait_of_nothing_is_over()
    {
        var time = new FakeTimeProvider();
        var deadlines = new SharedDeadlines(time);

        var never = deadlines.After(Timeout.InfiniteTimeSpan);
        time.Advance(TimeSpan.FromDays(400));

        Assert.False(never.IsCompleted);
        Assert.Equal(0, deadlines.Pending);
        Assert.True(deadlines.After(TimeSpan.Zero).IsCompleted);
    }
}
