using Clay.Runtime.Execution;
using Clay.Runtime.Hosting;
using Clay.Runtime.Storage;
using Microsoft.Extensions.Logging.Abstractions;

namespace Clay.Runtime.Tests.Execution;

/// <summary>
/// One "process" of a server for tests of waiting workers: a store over the fixture's database, an
/// executor, and the wake-up clock that brings workers back, all on the fixture's fake time.
/// </summary>
internal sealed class WaitingProcess : IAsyncDisposable
{
    private readonly ExecutorFixture _fixture;

    private WaitingProcess(ExecutorFixture fixture, IOplogStore store, Executor executor, WakeUpTimers wakeUps)
    {
        _fixture = fixture;
        Store = store;
        Executor = executor;
        WakeUps = wakeUps;
    }

    public IOplogStore Store { get; }

    public Executor Executor { get; }

    public WakeUpTimers WakeUps { get; }

    /// <summary>Starts a process over the fixture's database; its wake-up clock is loaded from the stored marks, as at a server's start.</summary>
    /// <param name="fixture">The fixture.</param>
    /// <param name="warmUp">How long before its time the clock brings a sleeper back into memory.</param>
    public static async Task<WaitingProcess> StartAsync(ExecutorFixture fixture, TimeSpan warmUp = default)
    {
        Executor? executor = null;
        var wakeUps = new WakeUpTimers((worker, ct) => executor!.Activation(worker).WakeAsync(ct), fixture.Time, NullLogger.Instance, warmUp: warmUp);
        fixture.WakeUps = wakeUps;
        var store = await fixture.OpenStoreAsync();
        executor = fixture.NewExecutor(store);
        await wakeUps.LoadAsync(store);
        return new WaitingProcess(fixture, store, executor, wakeUps);
    }

    /// <summary>
    /// Dies as a killed process would: the store stops mid-write, no wake-up fires, and waiting
    /// invocations are dropped where they stand (their timers can no longer move them on).
    /// </summary>
    /// <param name="afterDeath">Runs once the store is dead, before what still runs in memory is let go (to release a held invocation).</param>
    public async Task CrashAsync(Action? afterDeath = null)
    {
        await WakeUps.DisposeAsync();
        await _fixture.CrashAsync(Store, Executor);
        afterDeath?.Invoke();
        try
        {
            await Executor.DisposeAsync();
        }
        catch (Exception)
        {
            // Whatever still ran found its store gone, as it would in a dead process.
        }
    }

    /// <summary>Stops cleanly: waiting invocations are left to their oplog, running ones commit.</summary>
    public async ValueTask DisposeAsync()
    {
        await WakeUps.DisposeAsync();
        await _fixture.StopAsync(Store, Executor);
    }

    /// <summary>Polls <paramref name="condition"/> until it holds, for at most 30 seconds.</summary>
    public static async Task UntilAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        // Each look is bounded too: a condition that never answers (a worker that never opens) fails the test, not hangs it.
        while (!await Look(condition, deadline, what))
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"still waiting for {what} after 30 s");
            await Task.Yield();
            await Task.Delay(5, CancellationToken.None);
        }
    }

    private static async Task<bool> Look(Func<Task<bool>> condition, DateTime deadline, string what)
    {
        var left = deadline - DateTime.UtcNow;
        try
        {
            return await condition().WaitAsync(left > TimeSpan.Zero ? left : TimeSpan.Zero);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"still waiting for {what} after 30 s: the last look at it did not answer");
        }
    }
}
