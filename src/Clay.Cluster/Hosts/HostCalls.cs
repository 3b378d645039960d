using Clay.Runtime.Execution;
using Clay.Runtime.Values;

namespace Clay.Cluster.Hosts;

/// <summary>
/// An invocation the server hands to a component host: the function as the caller named it and its
/// arguments, typed by the host against the worker's version. Answered with a <see cref="HostInvokeReply"/>.
/// </summary>
/// <param name="Worker">The worker's name, of the host's own component (the host knows which: the call does not repeat it).</param>
/// <param name="Function">The function as the caller names it.</param>
/// <param name="WaveArguments">The arguments as WAVE text, or null when <paramref name="Values"/> carries them.</param>
/// <param name="Values">The arguments as values, or null.</param>
/// <param name="IdempotencyKey">The key, or null to have one generated.</param>
/// <param name="Enqueue">Answer once the invocation is durably queued instead of when it completes.</param>
/// <param name="TraceParent">The W3C <c>traceparent</c> of the server's span the invocation hangs from, or null.</param>
/// <param name="NewWorkerOn">
/// Set when the server has just found the worker without an oplog and admitted it under the worker
/// quota: the latest version of its component, on which the host creates it without asking the server
/// for its last index, the version or the admission.
/// </param>
[GenerateSerializer, Immutable]
public sealed record HostInvoke(
    [property: Id(1)] string Worker,
    [property: Id(2)] string Function,
    [property: Id(3)] string[]? WaveArguments,
    [property: Id(4)] Value[]? Values,
    [property: Id(5)] string? IdempotencyKey,
    [property: Id(6)] bool Enqueue,
    [property: Id(7)] string? TraceParent = null,
    [property: Id(8)] ComponentLocation? NewWorkerOn = null)
{
    /// <summary>The runtime's form of the request.</summary>
    public InvocationRequest ToInvocation() => new(Function,
        Values is not null ? new InvocationArguments.Typed(Values) : new InvocationArguments.Wave(WaveArguments ?? []), IdempotencyKey);

    /// <summary>The message for <paramref name="request"/> to <paramref name="worker"/>.</summary>
    public static HostInvoke Of(Runtime.WorkerId worker, InvocationRequest request, bool enqueue)
    {
        ArgumentNullException.ThrowIfNull(request);
        var parent = System.Diagnostics.Activity.Current is { IdFormat: System.Diagnostics.ActivityIdFormat.W3C } current ? current.Id : null;
        return request.Arguments switch
        {
            // Arrays (the REST body's arguments are one already): Orleans writes and reads them as they are,
            // where a list interface costs an enumerator to write and a list to read. The message is
            // serialized before the send returns, so an array shared with the request is not read after.
            InvocationArguments.Typed typed => new(worker.Worker, request.Function, null,
                typed.Values as Value[] ?? [.. typed.Values], request.IdempotencyKey, enqueue, parent),
            InvocationArguments.Wave wave => new(worker.Worker, request.Function,
                wave.Texts as string[] ?? [.. wave.Texts], null, request.IdempotencyKey, enqueue, parent),
            _ => throw new ArgumentException("unknown kind of arguments", nameof(request)),
        };
    }
}

/// <summary>
/// A component host's answer to a <see cref="HostInvoke"/>: the result, and the invocation's key and
/// resolved function only where they differ from the call's — the server has those strings already,
/// and reading them back from the frame would make new ones per invocation.
/// </summary>
/// <param name="IdempotencyKey">The invocation's key, or null when it is the call's own.</param>
/// <param name="Function">The function's exact name as resolved, or null when the call named it so.</param>
/// <param name="Result">The result when completed; null for a unit result or a queued invocation.</param>
[GenerateSerializer, Immutable]
public sealed record HostInvokeReply(
    [property: Id(0)] string? IdempotencyKey,
    [property: Id(1)] string? Function,
    [property: Id(2)] Value? Result)
{
    /// <summary>The answer to <paramref name="call"/> for an invocation with <paramref name="key"/> and <paramref name="function"/>.</summary>
    public static HostInvokeReply For(HostInvoke call, string key, string function, Value? result)
    {
        ArgumentNullException.ThrowIfNull(call);
        return new(string.Equals(key, call.IdempotencyKey, StringComparison.Ordinal) ? null : key,
            string.Equals(function, call.Function, StringComparison.Ordinal) ? null : function, result);
    }

    /// <summary>The invocation's key, given the call's.</summary>
    public string KeyFor(HostInvoke call)
    {
        ArgumentNullException.ThrowIfNull(call);
        return IdempotencyKey ?? call.IdempotencyKey
            ?? throw new InvalidDataException("a component host answered an invocation without a key with none");
    }
}

/// <summary>What the server asks of a worker in a component host besides invocations.</summary>
[GenerateSerializer]
public enum HostOperation
{
    /// <summary>Create it (answers its <c>WorkerInfo</c>).</summary>
    Create,
    /// <summary>Its metadata (answers a <c>WorkerInfo</c>).</summary>
    GetInfo,
    /// <summary>Drop it from memory if idle (answers 1 dropped, 0 busy, -1 not in memory).</summary>
    TryEvict,
    /// <summary>Stop it and delete its oplog.</summary>
    Delete,
    /// <summary>Close it: the server no longer holds its door (a running invocation finishes first).</summary>
    Close,
    /// <summary>Bring it into memory so its pending work goes on.</summary>
    Wake,
    /// <summary>Complete its promise <see cref="HostWorkerCall.Number"/> with <see cref="HostWorkerCall.Text"/>.</summary>
    CompletePromise,
    /// <summary>Its scheduled invocations (answers <see cref="HostSchedule"/>s).</summary>
    GetSchedules,
    /// <summary>Cancel the invocation whose key is <see cref="HostWorkerCall.Text"/>.</summary>
    CancelInvocation,
    /// <summary>Resume it after a failure (answers its <c>WorkerInfo</c>).</summary>
    Resume,
    /// <summary>Interrupt it; <see cref="HostWorkerCall.Number"/> 1 recovers it at once (answers its <c>WorkerInfo</c>).</summary>
    Interrupt,
    /// <summary>
    /// Revert it: to the oplog index <see cref="HostWorkerCall.Number"/>, or by <see cref="HostWorkerCall.Count"/>
    /// invocations when that is positive (answers its <c>WorkerInfo</c>).
    /// </summary>
    Revert,
    /// <summary>Create it as a fork of the worker <see cref="HostWorkerCall.Text"/> of its component, up to the index <see cref="HostWorkerCall.Number"/>.</summary>
    Fork,
    /// <summary>The component's workers in memory in the host (the worker's name is empty; answers <c>WorkerInfo</c>s).</summary>
    ListResident,
    /// <summary>
    /// Update it to the component version <see cref="HostWorkerCall.Number"/>: automatically when
    /// <see cref="HostWorkerCall.Count"/> is 0, manually (through a snapshot) when it is 1 (answers its <c>WorkerInfo</c>).
    /// </summary>
    Update,
    /// <summary>
    /// The host's share of the server's memory budget is now <see cref="HostWorkerCall.Number"/> bytes
    /// (the worker's name is empty; answers nothing).
    /// </summary>
    SetBudget,
    /// <summary>Whether it has work in memory that closing it would wait for (answers 1 busy, 0 not; see <c>IWorkerDoor.IsBusyAsync</c>).</summary>
    IsBusy,
}

/// <summary>A scheduled invocation on the wire (see <c>ScheduledInvocation</c>).</summary>
/// <param name="Index">Its oplog index.</param>
/// <param name="Function">The function.</param>
/// <param name="Arguments">Its arguments.</param>
/// <param name="IdempotencyKey">Its key.</param>
/// <param name="DueAt">When it is due.</param>
[GenerateSerializer, Immutable]
public sealed record HostSchedule(
    [property: Id(0)] long Index,
    [property: Id(1)] string Function,
    [property: Id(2)] IReadOnlyList<Value> Arguments,
    [property: Id(3)] string IdempotencyKey,
    [property: Id(4)] DateTimeOffset DueAt);

/// <summary>A call about one worker in a component host.</summary>
/// <param name="Component">The worker's component.</param>
/// <param name="Worker">The worker's name.</param>
/// <param name="Operation">What to do.</param>
/// <param name="Creation">How to create it, for <see cref="HostOperation.Create"/>.</param>
/// <param name="Number">A promise's id.</param>
/// <param name="Text">A promise's value, an invocation's key, or a fork's source worker.</param>
/// <param name="Count">How many invocations a revert undoes.</param>
[GenerateSerializer, Immutable]
public sealed record HostWorkerCall(
    [property: Id(0)] string Component,
    [property: Id(1)] string Worker,
    [property: Id(2)] HostOperation Operation,
    [property: Id(3)] WorkerCreation? Creation = null,
    [property: Id(4)] long Number = 0,
    [property: Id(5)] string? Text = null,
    [property: Id(6)] int Count = 0);
