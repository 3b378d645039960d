using Microsoft.CodeAnalysis;

namespace Clay.Sdk.Analyzers.Determinism;

/// <summary>
/// The determinism diagnostics, CLAY001–CLAY017. Clear sources of nondeterminism (clocks, random
/// numbers, GUIDs, network effects, threads, escaping the worker's scheduler, static state) are
/// errors; file access and the process environment, which a component may read on purpose, are
/// warnings. docs/analyzers.md describes each one.
/// </summary>
public static class DeterminismRules
{
    private const string Category = "Clay.Determinism";

    /// <summary>CLAY001: <c>DateTime.Now</c>, <c>UtcNow</c>, <c>Today</c>.</summary>
    public static readonly DiagnosticDescriptor DateTimeNow = Error("CLAY001", "The machine's clock is read outside the durable context",
        "'{0}' reads the machine's clock, which gives another time when the worker is replayed: use context.UtcNow()");

    /// <summary>CLAY002: <c>DateTimeOffset.Now</c>, <c>UtcNow</c>.</summary>
    public static readonly DiagnosticDescriptor DateTimeOffsetNow = Error("CLAY002", "The machine's clock is read outside the durable context",
        "'{0}' reads the machine's clock, which gives another time when the worker is replayed: use context.UtcNow()");

    /// <summary>CLAY003: <c>Stopwatch</c>.</summary>
    public static readonly DiagnosticDescriptor Stopwatch = Error("CLAY003", "A stopwatch measures time outside the durable context",
        "'{0}' measures time with the machine's clock, which differs when the worker is replayed: use context.MonotonicNanoseconds()");

    /// <summary>CLAY004: <c>Environment.TickCount</c>, <c>TickCount64</c>.</summary>
    public static readonly DiagnosticDescriptor TickCount = Error("CLAY004", "The machine's tick count is read outside the durable context",
        "'{0}' reads the machine's tick count, which differs when the worker is replayed: use context.MonotonicNanoseconds()");

    /// <summary>CLAY005: <c>new Random()</c>, <c>Random.Shared</c>, <c>RandomNumberGenerator</c>.</summary>
    public static readonly DiagnosticDescriptor Random = Error("CLAY005", "Random numbers are drawn outside the durable context",
        "'{0}' draws random numbers that differ when the worker is replayed: use context.NextRandom() or context.NextRandomDouble()");

    /// <summary>CLAY006: <c>Guid.NewGuid</c>, <c>Guid.CreateVersion7</c>.</summary>
    public static readonly DiagnosticDescriptor NewGuid = Error("CLAY006", "A GUID is created outside the durable context",
        "'{0}' creates a GUID that differs when the worker is replayed: use context.NewGuid()");

    /// <summary>CLAY007: a raw <c>HttpClient</c> or HTTP handler.</summary>
    public static readonly DiagnosticDescriptor HttpClient = Error("CLAY007", "HTTP requests are made outside the durable context",
        "'{0}' sends requests that run again when the worker is replayed and whose responses are not recorded: use context.Http");

    /// <summary>CLAY008: <c>Task.Run</c>, <c>TaskFactory.StartNew</c>.</summary>
    public static readonly DiagnosticDescriptor TaskRun = Error("CLAY008", "Work is started outside the worker's scheduler",
        "'{0}' runs code on the thread pool, outside the worker's single-threaded scheduler, so it interleaves differently on replay: await the code directly, or use context.RunAsync for an external effect");

    /// <summary>CLAY009: threads, the thread pool, timers.</summary>
    public static readonly DiagnosticDescriptor Thread = Error("CLAY009", "A thread or timer runs code outside the worker's scheduler",
        "'{0}' runs code on another thread, outside the worker's single-threaded scheduler: await the code directly, use context.SleepAsync to wait, or context.RunAsync for an external effect");

    /// <summary>CLAY010: <c>Parallel</c>, PLINQ.</summary>
    public static readonly DiagnosticDescriptor Parallel = Error("CLAY010", "Parallel loops run outside the worker's scheduler",
        "'{0}' runs iterations on several threads in an order that differs on replay: use a plain loop, or context.RunAsync for an external effect");

    /// <summary>CLAY011: <c>Task.Delay</c>.</summary>
    public static readonly DiagnosticDescriptor TaskDelay = Error("CLAY011", "A wait is not durable",
        "'{0}' waits on a timer that is lost when the worker restarts: use context.SleepAsync, which wakes at the recorded time after a restart");

    /// <summary>CLAY012: <c>Thread.Sleep</c>.</summary>
    public static readonly DiagnosticDescriptor ThreadSleep = Error("CLAY012", "A wait blocks the worker and is not durable",
        "'{0}' blocks the worker's only thread and is lost when the worker restarts: use await context.SleepAsync");

    /// <summary>CLAY013: file system access.</summary>
    public static readonly DiagnosticDescriptor FileIo = Warning("CLAY013", "The file system is used outside the durable context",
        "'{0}' uses the file system, which may differ or be written again when the worker is replayed: read or write through context.RunAsync so the result is recorded");

    /// <summary>CLAY014: sockets, DNS, <c>WebRequest</c>.</summary>
    public static readonly DiagnosticDescriptor Network = Error("CLAY014", "The network is used outside the durable context",
        "'{0}' talks to the network again when the worker is replayed and its answers are not recorded: use context.Http, or context.RunAsync for another protocol");

    /// <summary>CLAY015: static mutable state.</summary>
    public static readonly DiagnosticDescriptor StaticState = Error("CLAY015", "Static mutable state is not part of a worker's state",
        "'{0}' is static mutable state: it is shared by every worker in the process, lost on restart and not rebuilt by replay; keep state in the worker's instance fields");

    /// <summary>CLAY016: <c>ConfigureAwait(false)</c>.</summary>
    public static readonly DiagnosticDescriptor ConfigureAwaitFalse = Error("CLAY016", "ConfigureAwait(false) leaves the worker's scheduler",
        "ConfigureAwait(false) continues on the thread pool, outside the worker's single-threaded scheduler, so the code after it interleaves differently on replay: remove it or use ConfigureAwait(true)");

    /// <summary>CLAY017: <c>Environment.GetEnvironmentVariable</c>.</summary>
    public static readonly DiagnosticDescriptor EnvironmentVariable = Warning("CLAY017", "The process environment is read instead of the worker's",
        "'{0}' reads the host process's environment, which differs between hosts and restarts: use context.Environment, the environment the worker was created with");

    private static DiagnosticDescriptor Error(string id, string title, string message) =>
        new(id, title, message, Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    private static DiagnosticDescriptor Warning(string id, string title, string message) =>
        new(id, title, message, Category, DiagnosticSeverity.Warning, isEnabledByDefault: true);
}
