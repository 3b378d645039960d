using System.Collections.Concurrent;
using Clay.Runtime.Components;
using Clay.Runtime.Components.Converters;
using Clay.Runtime.Errors;
using Clay.Runtime.Oplog;
using Clay.Runtime.Values;
using Clay.Sdk;

namespace Clay.Runtime.Execution;

/// <summary>
/// Calls of other workers. Each is an effect of the caller — recorded, served from the oplog on
/// replay — whose idempotency key at the callee is derived from the caller's invocation and the
/// call's place in it, so a replay or a retry of the caller's invocation never runs a call twice.
/// </summary>
internal sealed partial class DurableWorkerContext
{
    private static readonly ConcurrentDictionary<Type, ValueConverter> Converters = new();
    private static readonly EffectOptions CallOptions = new() { Idempotent = true };
    private string _invocationKey = "";
    private IReadOnlyList<string>? _callerChain;
    private IReadOnlyList<string>? _callChain;
    private string? _identityText;
    private int _calls;

    /// <summary>Starts an invocation: calls are numbered from here, and carry the chain of workers waiting on it.</summary>
    internal void BeginInvocation(string idempotencyKey, IReadOnlyList<string>? callChain)
    {
        _invocationKey = idempotencyKey;
        _callerChain = callChain;
        _callChain = null;
        _calls = 0;
    }

    /// <summary>The running invocation's chain of waiting workers, this one last: made when it first calls another worker.</summary>
    private IReadOnlyList<string> CallChain => _callChain ??= [.. _callerChain ?? [], _identityText ??= Identity.ToString()];

    public override async Task<TResult> CallAsync<TResult>(WorkerIdentity worker, string function, params object?[] arguments)
    {
        var result = await CallCoreAsync(worker, function, arguments, enqueue: false).ConfigureAwait(true);
        if (result is null) return default!;
        return (TResult)ConverterFor(typeof(TResult)).FromValue(result)!;
    }

    public override async Task CallAsync(WorkerIdentity worker, string function, params object?[] arguments) =>
        await CallCoreAsync(worker, function, arguments, enqueue: false).ConfigureAwait(true);

    public override async Task EnqueueCallAsync(WorkerIdentity worker, string function, params object?[] arguments) =>
        await CallCoreAsync(worker, function, arguments, enqueue: true).ConfigureAwait(true);

    public override async Task<string> ScheduleCallAsync(WorkerIdentity worker, DateTimeOffset at, string function, params object?[] arguments)
    {
        var key = $"{Identity}:{_invocationKey}:{_calls + 1}";
        await CallCoreAsync(worker, function, arguments, enqueue: true, at).ConfigureAwait(true);
        return key;
    }

    private async Task<Value?> CallCoreAsync(WorkerIdentity worker, string function, object?[] arguments, bool enqueue, DateTimeOffset? at = null)
    {
        ArgumentNullException.ThrowIfNull(worker);
        ArgumentException.ThrowIfNullOrEmpty(function);
        ArgumentNullException.ThrowIfNull(arguments);
        var target = new WorkerId(worker.ComponentName, worker.WorkerName);
        var values = arguments.Select(ToValue).ToArray();
        var key = $"{Identity}:{_invocationKey}:{++_calls}";
        var name = $"worker::{(at is not null ? "schedule" : enqueue ? "enqueue" : "call")} {target}.{function}";
        var chain = CallChain;
        var response = await RemoteEffectAsync(name, new Value.List(values), EffectKind.ReadRemote, CallOptions, async ct =>
        {
            var caller = _host.Workers
                ?? throw new WorkerCallException(ErrorCodes.Internal, "this host does not let workers call other workers");
            // Nobody waits for a queued call, so it closes no cycle: a worker may queue or schedule calls of itself.
            var call = new WorkerCall(function, values.Select(Wave.WavePrinter.Print).ToArray(), key, enqueue ? [] : chain) { ScheduleAt = at };
            try
            {
                if (enqueue)
                {
                    await caller.EnqueueAsync(target, call, ct).ConfigureAwait(false);
                    return Value.None;
                }
                // Some(result), or none for a function without one.
                return new Value.Option(await AwaitAnswerAsync(caller, target, call).ConfigureAwait(true));
            }
            catch (ClayException ex) when (ex.Code != ErrorCodes.StorageUnavailable)
            {
                throw new WorkerCallException(ex.Code, $"[{ex.Code}] {ex.Message}");
            }
        }, CancellationToken.None).ConfigureAwait(true);
        var payload = (Value.Option)UnwrapCall(name, response)!;
        return payload.Inner;
    }

    /// <summary>
    /// The answer of an awaited call. A quick one is awaited in memory; past the durable-sleep
    /// threshold the caller is suspended — it may leave memory — until the answer arrives, the callee
    /// wakes it, or the poll interval passes. Woken out of memory, the caller replays to this call,
    /// which asks again under the same key: the callee attaches it to the running invocation or
    /// answers from its oplog, so the call still runs once.
    /// </summary>
    private async Task<Value?> AwaitAnswerAsync(IWorkerCaller caller, WorkerId target, WorkerCall call)
    {
        using var asking = CancellationTokenSource.CreateLinkedTokenSource(_host.AbandonToken);
        var answer = caller.InvokeAsync(target, call, asking.Token);
        try
        {
            await Task.WhenAny(answer, Task.Delay(_host.DurableSleepThreshold, _time, asking.Token)).ConfigureAwait(true);
            while (!answer.IsCompleted)
            {
                await _host.WaitForAnswerAsync(answer, _time.GetUtcNow() + _host.CallPollInterval, CancellationToken.None).ConfigureAwait(true);
            }
            // Abandoned, the invocation goes no further: a call cut off by it is no answer to record.
            if (_host.AbandonToken.IsCancellationRequested) await Task.Delay(Timeout.InfiniteTimeSpan, CancellationToken.None).ConfigureAwait(true);
            return await answer.ConfigureAwait(true);
        }
        finally
        {
            await asking.CancelAsync().ConfigureAwait(true);
        }
    }

    /// <summary>As <see cref="Unwrap"/>, with a refused call rethrown as the <see cref="WorkerCallException"/> it was.</summary>
    private static Value? UnwrapCall(string name, Value response)
    {
        try
        {
            return Unwrap(name, response);
        }
        catch (EffectFailedException failed) when (failed.ExceptionType == typeof(WorkerCallException).FullName
            && failed.Message.StartsWith('[') && failed.Message.IndexOf(']', StringComparison.Ordinal) is > 1 and var end)
        {
            throw new WorkerCallException(failed.Message[1..end], failed.Message);
        }
    }

    private static Value ToValue(object? argument)
    {
        if (argument is null)
        {
            throw new ArgumentException("a worker call's argument is null: pass an option's value or leave the argument out", nameof(argument));
        }
        return ConverterFor(argument.GetType()).ToValue(argument);
    }

    private static ValueConverter ConverterFor(Type type) => Converters.GetOrAdd(type, static t =>
    {
        var mapper = new TypeMapper();
        return mapper.Map(t, null, t.Name)
            ?? throw new ArgumentException($"{t.Name} cannot cross a worker call: {string.Join("; ", mapper.Problems)}");
    });
}
