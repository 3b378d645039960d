using Clay.Sdk;

namespace Clay.Runtime.Tests.Components;

/// <summary>
/// A worker context whose every answer follows from the calls made to it: two workers given fresh
/// contexts and the same calls see the same clock, random numbers and GUIDs. It has no network.
/// </summary>
internal sealed class ScriptedWorkerContext : WorkerContext
{
    private long _ticks;

    public override WorkerIdentity Identity { get; } = new("test:model", "w1");

    public override IReadOnlyList<string> Arguments { get; } = ["arg"];

    public override IReadOnlyDictionary<string, string> Environment { get; } = new Dictionary<string, string> { ["LANGUAGE"] = "fr" };

    public override HttpClient Http => throw new NotSupportedException("the scripted context has no network");

    public override DateTimeOffset UtcNow() => new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero).AddSeconds(++_ticks);

    public override long MonotonicNanoseconds() => ++_ticks * 1000;

    public override ulong NextRandom() => (ulong)++_ticks * 2654435761UL;

    public override Guid NewGuid() => new((int)++_ticks, 0, 0, new byte[8]);

    public override async Task<T> RunAsync<T>(string name, Func<CancellationToken, Task<T>> effect, EffectOptions? options = null, CancellationToken cancellationToken = default) =>
        await effect(cancellationToken);

    public override void Log(WorkerLogLevel level, string message)
    {
    }

    public override Task SleepAsync(TimeSpan duration, CancellationToken cancellationToken = default) => Task.CompletedTask;

    public override Task<string> ScheduleCallAsync(WorkerIdentity worker, DateTimeOffset at, string function, params object?[] arguments) =>
        throw new NotSupportedException("the scripted context calls no workers");

    public override Task<TResult> CallAsync<TResult>(WorkerIdentity worker, string function, params object?[] arguments) =>
        throw new NotSupportedException("the scripted context calls no workers");

    public override Task CallAsync(WorkerIdentity worker, string function, params object?[] arguments) =>
        throw new NotSupportedException("the scripted context calls no workers");

    public override Task EnqueueCallAsync(WorkerIdentity worker, string function, params object?[] arguments) =>
        throw new NotSupportedException("the scripted context calls no workers");

    public override PromiseId CreatePromise() => new(++_ticks);

    public override Task<string> AwaitPromiseAsync(PromiseId promise, CancellationToken cancellationToken = default) => Task.FromResult($"promise {promise}");
}
