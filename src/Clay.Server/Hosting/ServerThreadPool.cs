using System.Collections;

namespace Clay.Server.Hosting;

/// <summary>
/// The least number of thread-pool threads the server keeps at work. The pool's hill climbing moves the
/// number of threads it lets run by the throughput it measures, never below this least number (by
/// default the processor count); on a two-core machine it went down to two every second or so under
/// load. The server still does some work on pool threads that blocks for a moment — a read of the
/// oplog store on a new worker's first call, opening a read connection under the SQLite client's pool
/// lock — and with two threads at work, two such waits left 50–60 calls queued behind them with no
/// thread to run them for 250–350 ms (docs/benchmarks.md, "The thread pool kept at work"). With a
/// floor of <see cref="Floor"/> threads the climbing never goes below it. A value the user set
/// (<see cref="Variable"/> or the runtime setting <see cref="Setting"/>) is kept.
/// </summary>
internal static class ServerThreadPool
{
    /// <summary>The least number of worker threads the server keeps at work.</summary>
    public const int Floor = 16;

    /// <summary>The runtime's variable for the least number of worker threads.</summary>
    public const string Variable = "DOTNET_ThreadPool_ForceMinWorkerThreads";

    /// <summary>The runtime's setting (<c>runtimeconfig.json</c>) for the least number of worker threads.</summary>
    public const string Setting = "System.Threading.ThreadPool.MinThreads";

    /// <summary>Raises the pool's least number of worker threads to <see cref="Floor"/>, unless the user set one; returns the number in force.</summary>
    public static int Apply(IDictionary environment)
    {
        ThreadPool.GetMinThreads(out var workers, out var completionPorts);
        if (Wanted(workers, UserSet(environment)) is { } wanted && ThreadPool.SetMinThreads(wanted, completionPorts)) return wanted;
        return workers;
    }

    /// <summary>The least number of worker threads to set, or null to leave <paramref name="current"/> as it is.</summary>
    internal static int? Wanted(int current, bool userSet) => userSet || current >= Floor ? null : Floor;

    private static bool UserSet(IDictionary environment) => environment.Contains(Variable) || AppContext.GetData(Setting) is not null;
}
