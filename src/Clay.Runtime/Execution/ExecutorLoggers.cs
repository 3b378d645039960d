using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;

namespace Clay.Runtime.Execution;

/// <summary>
/// The two loggers every worker's executor writes to, made once per logger factory: making them for
/// each worker opened cost a type name built anew (<c>CreateLogger&lt;T&gt;</c>) and a look-up under the
/// factory's lock each time.
/// </summary>
internal sealed class ExecutorLoggers
{
    private static readonly ConditionalWeakTable<ILoggerFactory, ExecutorLoggers> ByFactory = new();

    private ExecutorLoggers(ILoggerFactory factory)
    {
        Executor = factory.CreateLogger<WorkerExecutor>();
        Worker = factory.CreateLogger(Diagnostics.WorkerLogForwarder.Category);
    }

    /// <summary>The executor's own diagnostics.</summary>
    public ILogger Executor { get; }

    /// <summary>Workers' log lines (<see cref="Diagnostics.WorkerLogForwarder.Category"/>).</summary>
    public ILogger Worker { get; }

    /// <summary>The loggers of <paramref name="factory"/>, made on first use.</summary>
    public static ExecutorLoggers Of(ILoggerFactory factory) => ByFactory.GetValue(factory, static f => new ExecutorLoggers(f));
}
