namespace Clay.Cluster.Hosts;

/// <summary>What a component host asks of the server's oplog store (see <c>IOplogStore</c>).</summary>
[GenerateSerializer]
public enum StoreOperation
{
    /// <summary>Append <see cref="StoreCall.Entries"/> at index <see cref="StoreCall.A"/>, with the mark if given.</summary>
    Append,
    /// <summary>The worker's mark (answers a <see cref="MarkData"/> or null).</summary>
    GetMark,
    /// <summary>Entries from <see cref="StoreCall.A"/> to <see cref="StoreCall.B"/> (answers a <see cref="StoredEntries"/>, maybe fewer).</summary>
    Read,
    /// <summary>The last index (answers a long).</summary>
    LastIndex,
    /// <summary>Delete the oplog.</summary>
    Delete,
    /// <summary>Truncate from index <see cref="StoreCall.A"/>.</summary>
    Truncate,
    /// <summary>Wake the worker at <see cref="StoreCall.A"/> (Unix milliseconds).</summary>
    Wake,
    /// <summary>Complete promise <see cref="StoreCall.A"/> with the first of <see cref="StoreCall.Entries"/>, waking at <see cref="StoreCall.B"/> (answers a bool).</summary>
    CompletePromise,
    /// <summary>The value of promise <see cref="StoreCall.A"/> (answers bytes or null).</summary>
    GetPromise,
    /// <summary>
    /// Answers once every append the host handed over for the worker (an <see cref="Append"/> sent as a
    /// notice, not waiting for its answer) is durable; fails with why one was not.
    /// </summary>
    Sync,
}

/// <summary>A call of a component host to the server's oplog store, about one worker.</summary>
/// <param name="Worker">The worker's name, of the host's own component (the channel says which: the call does not repeat it).</param>
/// <param name="Operation">The store operation.</param>
/// <param name="A">Its first number (an index, or a time).</param>
/// <param name="B">Its second number.</param>
/// <param name="Entries">The encoded entries of an append.</param>
/// <param name="Mark">The mark of an append, or null to leave it.</param>
[GenerateSerializer, Immutable]
public sealed record StoreCall(
    [property: Id(1)] string Worker,
    [property: Id(2)] StoreOperation Operation,
    [property: Id(3)] long A = 0,
    [property: Id(4)] long B = 0,
    [property: Id(5)] byte[][]? Entries = null,
    [property: Id(6)] MarkData? Mark = null);

/// <summary>A worker's mark on the wire (see <c>WorkerMark</c>).</summary>
/// <param name="Status">The status, as its number.</param>
/// <param name="HasPendingWork">Work to continue.</param>
/// <param name="WakeAt">When to wake it.</param>
/// <param name="LastError">Its last error.</param>
/// <param name="ComponentVersion">The version an update moved it to, if any.</param>
[GenerateSerializer, Immutable]
public sealed record MarkData(
    [property: Id(0)] int Status,
    [property: Id(1)] bool HasPendingWork,
    [property: Id(2)] DateTimeOffset? WakeAt,
    [property: Id(3)] string? LastError,
    [property: Id(4)] long? ComponentVersion = null)
{
    /// <summary>The mark on the wire.</summary>
    public static MarkData Of(Runtime.Storage.WorkerMark mark)
    {
        ArgumentNullException.ThrowIfNull(mark);
        return new((int)mark.Status, mark.HasPendingWork, mark.WakeAt, mark.LastError, mark.ComponentVersion);
    }

    /// <summary>The mark the wire carried.</summary>
    public Runtime.Storage.WorkerMark ToMark() =>
        new((Runtime.Execution.WorkerStatus)Status, HasPendingWork, WakeAt, LastError, ComponentVersion);
}

/// <summary>Consecutive oplog entries read for a component host.</summary>
/// <param name="First">The index of the first.</param>
/// <param name="Payloads">The encoded entries; fewer than asked when the answer would be large.</param>
[GenerateSerializer, Immutable]
public sealed record StoredEntries([property: Id(0)] long First, [property: Id(1)] byte[][] Payloads);

/// <summary>A component host asks where a component version's files are (<paramref name="Version"/> −1: the latest new workers start on).</summary>
/// <param name="Component">The component.</param>
/// <param name="Version">The version, or −1.</param>
[GenerateSerializer, Immutable]
public sealed record CatalogCall([property: Id(0)] string Component, [property: Id(1)] long Version);

/// <summary>Where a component version's files are, for a component host to load it.</summary>
/// <param name="Name">The component.</param>
/// <param name="Version">The version.</param>
/// <param name="Size">Its package size.</param>
/// <param name="Directory">Its unpacked files.</param>
/// <param name="EntryAssembly">The assembly holding its worker class.</param>
[GenerateSerializer, Immutable]
public sealed record ComponentLocation(
    [property: Id(0)] string Name,
    [property: Id(1)] long Version,
    [property: Id(2)] long Size,
    [property: Id(3)] string Directory,
    [property: Id(4)] string EntryAssembly);

/// <summary>A component host asks whether a new worker may be created (the per-component quota).</summary>
/// <param name="Component">The component.</param>
/// <param name="Worker">The worker.</param>
[GenerateSerializer, Immutable]
public sealed record AdmitCall([property: Id(0)] string Component, [property: Id(1)] string Worker);

/// <summary>What a component host tells the server without waiting for an answer.</summary>
/// <param name="Component">The worker's component.</param>
/// <param name="Worker">The worker.</param>
/// <param name="RecoveredTicks">How long a recovery of the worker from its oplog took, in ticks.</param>
[GenerateSerializer, Immutable]
public sealed record HostNotice(
    [property: Id(0)] string Component,
    [property: Id(1)] string Worker,
    [property: Id(2)] long RecoveredTicks);

/// <summary>
/// A component host tells the server that an invocation went past a limit of the host's (CPU time,
/// a thread held): the server ends the host and charges the crash to the worker.
/// </summary>
/// <param name="Component">The worker's component.</param>
/// <param name="Worker">The worker whose invocation went past the limit.</param>
/// <param name="Reason">What it did, naming the limit and its option.</param>
[GenerateSerializer, Immutable]
public sealed record HostLimitReached([property: Id(0)] string Component, [property: Id(1)] string Worker, [property: Id(2)] string Reason);

/// <summary>What a component host tells the server of its resident workers, every 200 ms while it runs, when it changed.</summary>
/// <param name="Resident">Workers in memory.</param>
/// <param name="MemoryUsed">Their estimated memory, with the overhead of each.</param>
/// <param name="Evicted">Workers evicted since the last report.</param>
/// <param name="Pending">Invocations queued in them, behind the one each is running.</param>
/// <param name="Running">Those running an invocation.</param>
[GenerateSerializer, Immutable]
public sealed record HostResidency([property: Id(0)] int Resident, [property: Id(1)] long MemoryUsed, [property: Id(2)] int Evicted,
    [property: Id(3)] long Pending = 0, [property: Id(4)] int Running = 0);

/// <summary>
/// A component host tells the server which workers it has just evicted to stay within its budget, each
/// with how many of the server's calls to it the host had received: the server lets go of their doors
/// too (see <c>IWorkerDoor.LeftMemorySince</c>), so that a worker out of memory costs nothing in either process.
/// </summary>
/// <param name="Component">Their component.</param>
/// <param name="Workers">The workers.</param>
/// <param name="CallsSeen">For each, the calls the host had received for it.</param>
[GenerateSerializer, Immutable]
public sealed record HostEvictions([property: Id(0)] string Component, [property: Id(1)] string[] Workers, [property: Id(2)] long[] CallsSeen);

/// <summary>
/// How many bytes a component host's runtime has allocated since it started, told whenever it grew by
/// 64 KiB or more since the last report (so the server's metrics count what its hosts allocate).
/// </summary>
/// <param name="Bytes">The total so far.</param>
[GenerateSerializer, Immutable]
public sealed record HostAllocations([property: Id(0)] long Bytes);

/// <summary>A component host tells the server when a worker waiting out of memory must be woken.</summary>
/// <param name="Component">The worker's component.</param>
/// <param name="Worker">The worker.</param>
/// <param name="At">When.</param>
[GenerateSerializer, Immutable]
public sealed record HostWakeAt([property: Id(0)] string Component, [property: Id(1)] string Worker, [property: Id(2)] DateTimeOffset At);

/// <summary>Worker code in a component host calls another worker (through the server, which holds every worker's door).</summary>
/// <param name="Component">The target's component.</param>
/// <param name="Worker">The target.</param>
/// <param name="Function">The function.</param>
/// <param name="WaveArguments">Its arguments as WAVE text.</param>
/// <param name="IdempotencyKey">The call's key.</param>
/// <param name="CallChain">The workers the call went through.</param>
/// <param name="ScheduleAt">When to run it, if scheduled.</param>
/// <param name="Enqueue">Queue it instead of waiting for its result.</param>
[GenerateSerializer, Immutable]
public sealed record WorkerCallCall(
    [property: Id(0)] string Component,
    [property: Id(1)] string Worker,
    [property: Id(2)] string Function,
    [property: Id(3)] IReadOnlyList<string> WaveArguments,
    [property: Id(4)] string IdempotencyKey,
    [property: Id(5)] IReadOnlyList<string> CallChain,
    [property: Id(6)] DateTimeOffset? ScheduleAt,
    [property: Id(7)] bool Enqueue);

/// <summary>The result of a <see cref="WorkerCallCall"/>.</summary>
/// <param name="Result">The value, or null for unit (or a queued call).</param>
[GenerateSerializer, Immutable]
public sealed record WorkerCallResult([property: Id(0)] Clay.Runtime.Values.Value? Result);

/// <summary>
/// A component host passes on a log line a worker wrote live (never one replayed), so the server's
/// live streams of worker logs see the workers of every host. One-way: the line is in the oplog already.
/// </summary>
/// <param name="Worker">The worker, of the host's own component (the channel says which: the line does not repeat it).</param>
/// <param name="Index">The oplog index of the line's entry.</param>
/// <param name="Timestamp">When it was written.</param>
/// <param name="Level">Its level (<c>WorkerLogLevel</c>).</param>
/// <param name="Context">Its context.</param>
/// <param name="Message">The line.</param>
/// <param name="Function">The function of the invocation that wrote it, if one was running.</param>
/// <param name="InvocationKey">That invocation's idempotency key.</param>
[GenerateSerializer, Immutable]
public sealed record HostLogLine(
    [property: Id(1)] string Worker,
    [property: Id(2)] long Index,
    [property: Id(3)] DateTimeOffset Timestamp,
    [property: Id(4)] int Level,
    [property: Id(5)] string Context,
    [property: Id(6)] string Message,
    [property: Id(7)] string? Function = null,
    [property: Id(8)] string? InvocationKey = null);

/// <summary>The measurements a component host took with one instrument of Clay's meter and one set of tags.</summary>
/// <param name="Instrument">The instrument's name.</param>
/// <param name="Value">The measurement, or the sum of a counter's measurements, when <paramref name="Values"/> is null.</param>
/// <param name="Tags">Their tags, names and values alternating.</param>
/// <param name="Values">A histogram's measurements, each recorded.</param>
[GenerateSerializer, Immutable]
public sealed record HostMeasurement([property: Id(0)] string Instrument, [property: Id(1)] double Value, [property: Id(2)] string[] Tags,
    [property: Id(3)] double[]? Values = null);

/// <summary>The measurements a component host took since its last report; the server records them as its own.</summary>
/// <param name="Items">The measurements.</param>
[GenerateSerializer, Immutable]
public sealed record HostMeasurements([property: Id(0)] HostMeasurement[] Items);
