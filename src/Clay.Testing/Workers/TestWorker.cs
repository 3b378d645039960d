using System.Linq.Expressions;
using Clay.Client.Contracts;
using Clay.Client.Export;
using Clay.Runtime;
using Clay.Runtime.Components;
using Clay.Runtime.Execution;
using Clay.Runtime.Oplog.Display;
using Clay.Runtime.Wave;
using Clay.Sdk;
using Clay.Testing.Environment;

namespace Clay.Testing.Workers;

/// <summary>
/// One worker of a <see cref="ClayTestEnvironment"/>, reached through the same door the server's
/// grain holds: calls written as lambdas on the worker class (<c>w.InvokeAsync(c =&gt; c.AddItem(item))</c>)
/// are typed against the component's interface and recorded in the worker's oplog like any other.
/// </summary>
/// <typeparam name="TWorker">The worker class.</typeparam>
public sealed class TestWorker<TWorker>
    where TWorker : class
{
    private readonly ClayTestEnvironment _environment;
    private readonly ComponentModel _model;

    internal TestWorker(ClayTestEnvironment environment, WorkerId id, ComponentModel model)
    {
        _environment = environment;
        _model = model;
        Id = id;
    }

    /// <summary>The worker's id (component and name).</summary>
    public WorkerId Id { get; }

    /// <summary>The lines the worker logged (<see cref="WorkerContext.Log(string)"/>) live so far; replays log nothing again.</summary>
    public IReadOnlyList<string> Logs => _environment.LogsOf(Id);

    /// <summary>Creates the worker with arguments and environment variables (otherwise its first invocation creates it with none).</summary>
    /// <exception cref="WorkerAlreadyExistsException">It exists.</exception>
    public Task<WorkerInfo> CreateAsync(IReadOnlyList<string>? arguments = null, IReadOnlyDictionary<string, string>? environment = null,
        CancellationToken cancellationToken = default) =>
        _environment.Activation(Id).CreateAsync(new WorkerCreation(arguments ?? [], [.. environment ?? new Dictionary<string, string>()]), cancellationToken);

    /// <summary>Invokes a method without a result and waits for it to complete.</summary>
    /// <exception cref="InvocationFailedException">The method threw.</exception>
    public async Task InvokeAsync(Expression<Action<TWorker>> call, CancellationToken cancellationToken = default) =>
        await InvokeCoreAsync(call, cancellationToken);

    /// <summary>Invokes a method and returns its result, converted back from the component's interface type.</summary>
    /// <exception cref="InvocationFailedException">The method threw.</exception>
    public async Task<TResult> InvokeAsync<TResult>(Expression<Func<TWorker, TResult>> call, CancellationToken cancellationToken = default) =>
        (TResult)(await InvokeCoreAsync(call, cancellationToken))!;

    /// <summary>Invokes an asynchronous method without a result and waits for it to complete.</summary>
    /// <exception cref="InvocationFailedException">The method threw.</exception>
    public async Task InvokeAsync(Expression<Func<TWorker, Task>> call, CancellationToken cancellationToken = default) =>
        await InvokeCoreAsync(call, cancellationToken);

    /// <summary>Invokes an asynchronous method and returns what its task completes with.</summary>
    /// <exception cref="InvocationFailedException">The method threw.</exception>
    public async Task<TResult> InvokeAsync<TResult>(Expression<Func<TWorker, Task<TResult>>> call, CancellationToken cancellationToken = default) =>
        (TResult)(await InvokeCoreAsync(call, cancellationToken))!;

    /// <summary>
    /// Invokes a function by its exported name with WAVE arguments, as <c>clay worker invoke</c> does,
    /// and returns the result as WAVE text (null for no result).
    /// </summary>
    /// <exception cref="Runtime.Errors.ClayException"><c>function-not-found</c>, <c>invalid-wave-value</c>, <c>invocation-failed</c>, …</exception>
    public async Task<string?> InvokeAsync(string function, params string[] waveArguments)
    {
        var request = new InvocationRequest(function, new InvocationArguments.Wave(waveArguments));
        var result = await _environment.TrackAsync(Id, () => _environment.Activation(Id).InvokeAsync(request));
        return result.Result is null ? null : WavePrinter.Print(result.Result);
    }

    /// <summary>Queues an invocation durably without waiting for it; returns its idempotency key.</summary>
    public Task<string> EnqueueAsync(Expression<Action<TWorker>> call, CancellationToken cancellationToken = default)
    {
        var (function, arguments) = CallExpression.Bind(_model, call);
        return _environment.Activation(Id).EnqueueAsync(InvocationRequest.Of(function.Name, arguments), cancellationToken);
    }

    /// <summary>Schedules an invocation to start at <paramref name="at"/> on the environment's clock; returns its idempotency key.</summary>
    public Task<string> ScheduleAsync(Expression<Action<TWorker>> call, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        var (function, arguments) = CallExpression.Bind(_model, call);
        return _environment.Activation(Id).EnqueueAsync(InvocationRequest.Of(function.Name, arguments) with { ScheduleAt = at }, cancellationToken);
    }

    /// <summary>
    /// Crashes the worker and brings it back, as <c>clay worker simulate-crash</c> does: its state in
    /// memory is thrown away and rebuilt by replaying its oplog; an invocation that was running goes on
    /// from where it stopped. Whatever the worker remembers afterwards, it remembers durably.
    /// </summary>
    /// <exception cref="WorkerNotFoundException">It was never created.</exception>
    public Task<WorkerInfo> CrashAndRecoverAsync(CancellationToken cancellationToken = default) =>
        _environment.Activation(Id).InterruptAsync(recoverImmediately: true, cancellationToken);

    /// <summary>Completes the worker's promise with <paramref name="value"/>, as <c>clay worker promise complete</c> does, waking it if it waits.</summary>
    /// <exception cref="Runtime.Errors.ClayException"><c>promise-not-found</c>, <c>promise-already-completed</c>.</exception>
    public Task CompletePromiseAsync(PromiseId promise, string value, CancellationToken cancellationToken = default) =>
        _environment.Activation(Id).CompletePromiseAsync(promise.Value, value, cancellationToken);

    /// <summary>The worker's status, oplog length, pending invocations and last error.</summary>
    /// <exception cref="WorkerNotFoundException">It was never created.</exception>
    public Task<WorkerInfo> GetInfoAsync(CancellationToken cancellationToken = default) => _environment.Activation(Id).GetInfoAsync(cancellationToken);

    /// <summary>The invocations scheduled and not yet started, earliest first.</summary>
    public Task<IReadOnlyList<ScheduledInvocation>> GetSchedulesAsync(CancellationToken cancellationToken = default) =>
        _environment.Activation(Id).GetSchedulesAsync(cancellationToken);

    /// <summary>
    /// The worker's oplog as <c>clay worker oplog</c> shows it — index, time, kind and fields of every
    /// entry — optionally only the entries matching <paramref name="query"/> (the CLI's query language).
    /// </summary>
    /// <exception cref="WorkerNotFoundException">It was never created.</exception>
    public async Task<IReadOnlyList<OplogPageEntry>> ReadOplogAsync(string? query = null, CancellationToken cancellationToken = default)
    {
        var entries = new List<OplogPageEntry>();
        long? from = 1;
        while (from is { } start)
        {
            var page = await _environment.Activation(Id).ReadOplogAsync(start, 1000, query, cancellationToken);
            entries.AddRange(page.Entries);
            from = page.Next;
        }
        return entries;
    }

    /// <summary>
    /// The worker's whole history as <c>clay worker oplog --export</c> writes it, for
    /// <see cref="Replay.WorkerReplayer"/>: record a history in a test, keep the file, and replay it
    /// against later versions of the component.
    /// </summary>
    /// <exception cref="WorkerNotFoundException">It was never created.</exception>
    public async Task<OplogExport> ExportOplogAsync(CancellationToken cancellationToken = default)
    {
        var entries = new List<OplogEntryDto>();
        long? from = 1;
        while (from is { } start)
        {
            var page = await _environment.Activation(Id).ExportOplogAsync(start, 1000, cancellationToken);
            entries.AddRange(page.Entries.Select(e => new OplogEntryDto(e.Index, e.Timestamp, e.Kind,
                [.. e.Fields.Select(f => (IReadOnlyList<string>)[f.Name, f.Value])], Convert.ToBase64String(e.Encoded.Span))));
            from = page.Next;
        }
        return new OplogExport(new OplogExportHeader(OplogExport.FormatName, OplogExport.CurrentVersion, Id.Component, Id.Worker,
            _environment.Time.GetUtcNow(), entries.Count), entries);
    }

    private async Task<object?> InvokeCoreAsync(LambdaExpression call, CancellationToken cancellationToken)
    {
        var (function, arguments) = CallExpression.Bind(_model, call);
        var result = await _environment.TrackAsync(Id,
            () => _environment.Activation(Id).InvokeAsync(InvocationRequest.Of(function.Name, arguments), cancellationToken));
        return function.FromResult(result.Result);
    }
}
