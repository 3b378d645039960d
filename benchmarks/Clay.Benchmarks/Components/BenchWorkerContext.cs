using Clay.Sdk;

namespace Clay.Benchmarks.Components;

/// <summary>A context with fixed answers: the model benchmark measures conversion and calls, not durability.</summary>
internal sealed class BenchWorkerContext : WorkerContext
{
    public override WorkerIdentity Identity { get; } = new("bench:model", "w");

    public override IReadOnlyList<string> Arguments { get; } = [];

    public override IReadOnlyDictionary<string, string> Environment { get; } = new Dictionary<string, string>();

    public override HttpClient Http => throw new NotSupportedException();

    public override DateTimeOffset UtcNow() => DateTimeOffset.UnixEpoch;

    public override long MonotonicNanoseconds() => 0;

    public override ulong NextRandom() => 7;

    public override Guid NewGuid() => Guid.Empty;

    public override Task<T> RunAsync<T>(string name, Func<CancellationToken, Task<T>> effect, EffectOptions? options = null, CancellationToken cancellationToken = default) =>
        effect(cancellationToken);

    public override void Log(WorkerLogLevel level, string message)
    {
    }

    public override Task SleepAsync(TimeSpan duration, CancellationToken cancellationToken = default) => Task.CompletedTask;

    public override Task<string> ScheduleCallAsync(WorkerIdentity worker, DateTimeOffset at, string function, params object?[] arguments) => throw new NotSupportedException();

    public override Task<TResult> CallAsync<TResult>(WorkerIdentity worker, string function, params object?[] arguments) => throw new NotSupportedException();

    public override Task CallAsync(WorkerIdentity worker, string function, params object?[] arguments) => throw new NotSupportedException();

    public override Task EnqueueCallAsync(WorkerIdentity worker, string function, params object?[] arguments) => throw new NotSupportedException();

    public override PromiseId CreatePromise() => new(1);

    public override Task<string> AwaitPromiseAsync(PromiseId promise, CancellationToken cancellationToken = default) => Task.FromResult("");
}
