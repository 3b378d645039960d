using System.Diagnostics;
using System.Diagnostics.Metrics;
using Clay.Server.Stats;
using Clay.Testing.Environment;

namespace Clay.Server.Tests.Stats;

/// <summary>No other test may take measurements meanwhile: the recorder listens to every meter of the process.</summary>
[CollectionDefinition(nameof(MeasuredAlone), DisableParallelization = true)]
public sealed class MeasuredAlone;

/// <summary>The dashboard's sampler sleeps while the server is idle and keeps a history without holes.</summary>
[Collection(nameof(MeasuredAlone))]
public sealed class ServerStatsRecorderTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task An_idle_recorder_waits_for_activity_and_fills_the_seconds_it_slept()
    {
        var clock = new TestClock(new DateTimeOffset(2026, 12, 4, 10, 0, 0, TimeSpan.Zero));
        using var recorder = new ServerStatsRecorder(clock);
        await recorder.StartAsync(CancellationToken.None);
        try
        {
            // Sampled every second until the samples have been alike long enough...
            for (var i = 0; i < ServerStatsRecorder.QuietSamples + 1; i++)
            {
                await NextTimerAsync(clock, ServerStatsRecorder.Interval);
                clock.Advance(ServerStatsRecorder.Interval);
            }
            // ...then it waits for activity, looking at most every DormantPeriod.
            await NextTimerAsync(clock, ServerStatsRecorder.DormantPeriod);
            clock.Advance(TimeSpan.FromSeconds(5));
            var history = recorder.Read().History;
            Assert.Equal(ServerStatsRecorder.QuietSamples + 1 + 4, history.Count);
            Assert.All(history.Zip(history.Skip(1)), pair => Assert.Equal(ServerStatsRecorder.Interval, pair.Second.Time - pair.First.Time));
            Assert.All(history, sample => Assert.Equal(0, sample.Invocations));

            // An invocation wakes it: sampled every second again, and the invocation counted.
            using var meter = new Meter("Microsoft.AspNetCore.Hosting");
            var requests = meter.CreateHistogram<double>("http.server.request.duration");
            requests.Record(0.001, new TagList
            {
                { "http.route", "/v1/components/{component}/workers/{worker}/invoke" }, { "http.request.method", "POST" },
                { "http.response.status_code", 200 },
            });
            await NextTimerAsync(clock, ServerStatsRecorder.Interval);
            clock.Advance(ServerStatsRecorder.Interval);
            var last = await UntilAsync(() => recorder.Read().History[^1], sample => sample.Invocations == 1);
            Assert.Equal(clock.GetUtcNow(), last.Time);
        }
        finally
        {
            await recorder.StopAsync(CancellationToken.None);
        }
    }

    /// <summary>Waits, with a bound, until the recorder's next timer is armed <paramref name="after"/> from now.</summary>
    private static Task NextTimerAsync(TestClock clock, TimeSpan after) =>
        UntilAsync(() => clock.NextTimerDue, due => due == clock.GetUtcNow() + after);

    private static async Task<T> UntilAsync<T>(Func<T> read, Func<T, bool> done)
    {
        var waited = Stopwatch.StartNew();
        while (true)
        {
            var value = read();
            if (done(value)) return value;
            Assert.True(waited.Elapsed < Bound, $"still {value} after {Bound.TotalSeconds} s");
            await Task.Delay(5);
        }
    }
}
