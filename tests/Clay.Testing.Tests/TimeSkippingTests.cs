using Clay.Testing.Environment;
using Clay.TestComponents.Testing;

namespace Clay.Testing.Tests;

public sealed class TimeSkippingTests
{
    private static readonly DateTimeOffset Start = new ClayTestOptions().StartTime;

    [Fact]
    public async Task A_thirty_day_sleep_ends_when_the_environment_skips_thirty_days_and_not_before()
    {
        await using var env = await ClayTestEnvironment.StartAsync<Subscription>();
        var subscription = env.Worker("ada");

        var trial = subscription.InvokeAsync(s => s.StartTrial("ada"));
        await env.SkipTimeAsync(TimeSpan.FromDays(30) - TimeSpan.FromSeconds(1));
        Assert.False(trial.IsCompleted);
        Assert.Equal(Runtime.Execution.WorkerStatus.Suspended, (await subscription.GetInfoAsync()).Status);

        await env.SkipTimeAsync(TimeSpan.FromSeconds(1));

        Assert.Equal($"trial of ada ended at {Start.AddDays(30):O}", await trial);
        Assert.Equal(Start.AddDays(30), env.Time.GetUtcNow());
        Assert.Equal([$"trial of ada ended at {Start.AddDays(30):O}"], subscription.Logs);
    }

    [Fact]
    public async Task A_worker_crashed_in_its_sleep_wakes_at_the_original_time()
    {
        await using var env = await ClayTestEnvironment.StartAsync<Subscription>();
        var subscription = env.Worker("bob");
        await subscription.EnqueueAsync(s => s.StartTrial("bob"));
        await env.SkipTimeAsync(TimeSpan.FromDays(10));

        await subscription.CrashAndRecoverAsync();
        await env.SkipTimeAsync(TimeSpan.FromDays(20));

        Assert.Equal([$"trial of bob started at {Start:O}", $"trial of bob ended at {Start.AddDays(30):O}"],
            await subscription.InvokeAsync(s => s.Events()));
        Assert.Single(await subscription.ReadOplogAsync("\"clock::sleep\""));
    }

    [Fact]
    public async Task Scheduled_invocations_start_at_their_time_when_time_is_skipped()
    {
        await using var env = await ClayTestEnvironment.StartAsync<Subscription>();
        var subscription = env.Worker("cy");
        await subscription.InvokeAsync(s => s.ScheduleRenewal(7));
        await subscription.ScheduleAsync(s => s.Renew(), Start.AddDays(10));
        Assert.Equal(2, (await subscription.GetSchedulesAsync()).Count);

        await env.SkipTimeAsync(TimeSpan.FromDays(7) - TimeSpan.FromMinutes(1));
        Assert.Empty(await subscription.InvokeAsync(s => s.Events()));

        await env.SkipTimeAsync(TimeSpan.FromDays(30));

        Assert.Equal([$"renewed at {Start.AddDays(7):O}", $"renewed at {Start.AddDays(10):O}"], await subscription.InvokeAsync(s => s.Events()));
        Assert.Empty(await subscription.GetSchedulesAsync());
        Assert.Equal(Start.AddDays(7) - TimeSpan.FromMinutes(1) + TimeSpan.FromDays(30), env.Time.GetUtcNow());
    }
}
