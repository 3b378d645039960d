using Clay.Sdk;

namespace Clay.TestComponents.Durability;

/// <summary>Waits durably — for time, for a promise, for a flaky service — and counts what it really did.</summary>
[ClayWorker]
public sealed class Waiter(WorkerContext context)
{
    private readonly List<string> _steps = [];

    /// <summary>Real runs of the <c>step</c> effect, per step number (replays do not run it).</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Clay.Determinism", "CLAY015", Justification = "Tests count how often each effect really ran, across recoveries.")]
    public static System.Collections.Concurrent.ConcurrentDictionary<uint, int> StepRuns { get; } = new();

    /// <summary>How many more times <see cref="Unsteady"/>'s service fails transiently.</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Clay.Determinism", "CLAY015", Justification = "Tests set how often the service fails.")]
    public static int FailuresLeft { get; set; }

    /// <summary>Real calls of <see cref="Unsteady"/>'s service.</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Clay.Determinism", "CLAY015", Justification = "Tests count the service's real calls.")]
    public static int ServiceCalls { get; set; }

    /// <summary>Sleeps, then says when it woke.</summary>
    public async Task<string> Nap(ulong seconds)
    {
        _steps.Add($"nap {seconds}");
        await context.SleepAsync(TimeSpan.FromSeconds(seconds));
        _steps.Add($"woke {seconds}");
        return $"woke at {context.UtcNow():O}";
    }

    /// <summary>Runs <paramref name="steps"/> idempotent effects with a sleep after each.</summary>
    public async Task<uint> Loop(uint steps, ulong secondsEach)
    {
        for (uint i = 1; i <= steps; i++)
        {
            var step = i;
            await context.RunAsync("step", _ =>
            {
                StepRuns.AddOrUpdate(step, 1, (_, n) => n + 1);
                return Task.FromResult(step);
            }, new EffectOptions { Idempotent = true });
            _steps.Add($"step {step}");
            await context.SleepAsync(TimeSpan.FromSeconds(secondsEach));
        }
        return steps;
    }

    /// <summary>Creates a promise and returns its id.</summary>
    public ulong Promise()
    {
        var id = context.CreatePromise();
        _steps.Add($"promise {id}");
        return (ulong)id.Value;
    }

    /// <summary>Waits for promise <paramref name="id"/> and returns its value.</summary>
    public async Task<string> WaitFor(ulong id)
    {
        var value = await context.AwaitPromiseAsync(new PromiseId((long)id));
        _steps.Add($"got {value}");
        return value;
    }

    /// <summary>Calls a service that fails transiently <see cref="FailuresLeft"/> times, with no retries of its own.</summary>
    public async Task<string> Unsteady()
    {
        var answer = await context.RunAsync("service", _ =>
        {
            ServiceCalls++;
            if (FailuresLeft-- > 0) throw new TransientException("service unavailable");
            return Task.FromResult($"answered on call {ServiceCalls}");
        }, new EffectOptions { Retry = RetryPolicy.None });
        _steps.Add(answer);
        return answer;
    }

    /// <summary>Throws an ordinary exception: only this invocation fails.</summary>
    public string Broken() => throw new InvalidOperationException("broken on purpose");

    /// <summary>What the worker did, in order.</summary>
    public IReadOnlyList<string> Steps() => _steps;
}
