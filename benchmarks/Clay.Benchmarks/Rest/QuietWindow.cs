using System.Diagnostics;
using Clay.LoadClient;

namespace Clay.Benchmarks.Rest;

/// <summary>
/// The CPU a server and its component hosts use over a window in which nobody calls it, read from
/// /proc: in all, and by thread name with how often those threads woke (a host's threads are named "host …").
/// </summary>
/// <param name="Hosts">The component hosts counted with the server.</param>
/// <param name="Elapsed">The window's length.</param>
/// <param name="Cpu">User and system CPU time of the server and its hosts over the window.</param>
/// <param name="Threads">By thread name: how many threads, their CPU time and wake-ups; busiest first, idle ones left out.</param>
internal sealed record QuietWindow(int Hosts, TimeSpan Elapsed, TimeSpan Cpu, IReadOnlyList<(string Name, int Threads, TimeSpan Cpu, long Wakeups)> Threads)
{
    /// <summary>The CPU used as a share of one core.</summary>
    public double Share => Cpu / Elapsed;

    /// <summary>Measures the server <paramref name="serverPid"/> and its component hosts for <paramref name="length"/>.</summary>
    public static async Task<QuietWindow> MeasureAsync(int serverPid, TimeSpan length)
    {
        var hosts = IsolationScenario.Children(serverPid);
        IEnumerable<(int Tid, string Name, TimeSpan Cpu, long Wakeups)> AllThreads() => ProcessCpu.Threads(serverPid)
            .Concat(hosts.SelectMany(h => ProcessCpu.Threads(h).Select(t => t with { Name = "host " + t.Name })));
        TimeSpan AllCpu() => hosts.Aggregate(ProcessCpu.Of(serverPid), (sum, h) => sum + ProcessCpu.Of(h));
        var threadsBefore = AllThreads().ToDictionary(t => t.Tid);
        var before = AllCpu();
        var clock = Stopwatch.StartNew();
        await Task.Delay(length);
        var cpu = AllCpu() - before;
        var elapsed = clock.Elapsed;
        var threads = AllThreads()
            .Select(t => (t.Name, Cpu: t.Cpu - (threadsBefore.TryGetValue(t.Tid, out var b) ? b.Cpu : TimeSpan.Zero),
                Wakeups: t.Wakeups - (threadsBefore.TryGetValue(t.Tid, out b) ? b.Wakeups : 0)))
            .GroupBy(t => t.Name)
            .Select(g => (Name: g.Key, Threads: g.Count(), Cpu: g.Aggregate(TimeSpan.Zero, (s, t) => s + t.Cpu), Wakeups: g.Sum(t => t.Wakeups)))
            .Where(g => g.Cpu > TimeSpan.Zero || g.Wakeups > 0)
            .OrderByDescending(g => g.Cpu).ThenByDescending(g => g.Wakeups)
            .ToList();
        return new QuietWindow(hosts.Count, elapsed, cpu, threads);
    }
}
