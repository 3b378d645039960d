namespace Clay.LoadClient;

/// <summary>
/// CPU time and memory of processes as Linux accounts them in /proc: user + system time of all
/// threads of a process (utime and stime of /proc/PID/stat), its resident and peak resident memory.
/// </summary>
public static class ProcessCpu
{
    /// <summary>Clock ticks per second of /proc's times (USER_HZ, 100 on Linux for every architecture's user ABI).</summary>
    private const double TicksPerSecond = 100;

    /// <summary>User + system CPU time of process <paramref name="pid"/>, all its threads, so far.</summary>
    public static TimeSpan Of(int pid) => TimesOf($"/proc/{pid}/stat");

    /// <summary>User + system CPU time of the processes <paramref name="pids"/> together.</summary>
    public static TimeSpan Of(IEnumerable<int> pids) => pids.Aggregate(TimeSpan.Zero, (sum, pid) => sum + Of(pid));

    /// <summary>
    /// User + system CPU time so far of each process of the trees rooted at <paramref name="roots"/>:
    /// a server and the processes it started (a Clay server's component hosts run its components' code).
    /// </summary>
    public static Dictionary<int, TimeSpan> OfTrees(IEnumerable<int> roots)
    {
        var times = new Dictionary<int, TimeSpan>();
        foreach (var pid in Tree(roots))
        {
            try
            {
                times[pid] = Of(pid);
            }
            catch (IOException)
            {
                // It ended between listing and reading.
            }
        }
        return times;
    }

    /// <summary>
    /// The CPU time used between two <see cref="OfTrees"/>: a process that started in between counts
    /// whole, one that ended in between counts what it used before it ended as far as it was seen.
    /// </summary>
    public static TimeSpan Between(IReadOnlyDictionary<int, TimeSpan> before, IReadOnlyDictionary<int, TimeSpan> after) =>
        after.Aggregate(TimeSpan.Zero, (sum, p) => sum + p.Value - before.GetValueOrDefault(p.Key));

    /// <summary>The processes <paramref name="roots"/> and all their descendants, from /proc.</summary>
    public static IReadOnlyList<int> Tree(IEnumerable<int> roots)
    {
        var parents = new Dictionary<int, int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid)) continue;
            try
            {
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                parents[pid] = int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1]);
            }
            catch (IOException)
            {
                // It ended meanwhile.
            }
        }
        var tree = roots.Distinct().ToList();
        var seen = tree.ToHashSet();
        for (var i = 0; i < tree.Count; i++) tree.AddRange(parents.Where(p => p.Value == tree[i] && seen.Add(p.Key)).Select(p => p.Key));
        return tree;
    }

    /// <summary>
    /// Each thread of <paramref name="pid"/>: its name, user + system CPU time so far, and how many
    /// times it blocked and was woken (voluntary context switches).
    /// </summary>
    public static IReadOnlyList<(int Tid, string Name, TimeSpan Cpu, long Wakeups)> Threads(int pid)
    {
        var threads = new List<(int, string, TimeSpan, long)>();
        foreach (var task in Directory.EnumerateDirectories($"/proc/{pid}/task"))
        {
            try
            {
                var stat = File.ReadAllText(Path.Combine(task, "stat"));
                var name = stat[(stat.IndexOf('(', StringComparison.Ordinal) + 1)..stat.LastIndexOf(')')];
                var wakeups = File.ReadLines(Path.Combine(task, "status")).First(l => l.StartsWith("voluntary_ctxt_switches:", StringComparison.Ordinal));
                threads.Add((int.Parse(Path.GetFileName(task)), name, Parse(stat), long.Parse(wakeups.Split(':')[1].Trim())));
            }
            catch (IOException)
            {
                // The thread ended between listing and reading.
            }
        }
        return threads;
    }

    /// <summary>A field of /proc/PID/status in bytes (VmRSS: resident now, VmHWM: peak resident).</summary>
    public static long StatusBytes(int pid, string field)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (!line.StartsWith(field + ":", StringComparison.Ordinal)) continue;
            var kib = line[(field.Length + 1)..].Trim().Split(' ')[0];
            return long.Parse(kib) * 1024;
        }
        return 0;
    }

    private static TimeSpan TimesOf(string path) => Parse(File.ReadAllText(path));

    private static TimeSpan Parse(string stat)
    {
        // Fields after the command name (which may hold spaces): [0] is field 3 (state), so field n is [n - 3].
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var ticks = long.Parse(fields[14 - 3]) + long.Parse(fields[15 - 3]);
        return TimeSpan.FromSeconds(ticks / TicksPerSecond);
    }
}
