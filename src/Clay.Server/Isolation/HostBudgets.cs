namespace Clay.Server.Isolation;

/// <summary>
/// Divides the server's memory budget among its component hosts. The budget is for the server as a
/// whole: what the processes take before they hold any worker (the server's runtime and Orleans, each
/// host's runtime) comes off it first, and the rest is for workers, wherever they run. Each host
/// enforces its own share as the server's residency enforces the budget (idle workers evicted, least
/// recently used first).
/// </summary>
/// <remarks>
/// Each host is sure of a floor, half the workers' part divided equally, so that a component called for
/// the first time gets room even when another holds everything. Above that: while the hosts' workers
/// fit, each host may grow into an equal part of the room left; once they do not, the other half is
/// divided in proportion to what each holds. A busy host thus takes the room idle ones leave. Shares
/// follow what the hosts hold, not which of them is busier: a host that holds much keeps it until its
/// workers leave by <c>--max-idle</c>, beyond the floors of the others. The total stays within the
/// budget, up to what the hosts add between two of their reports.
/// </remarks>
internal static class HostBudgets
{
    /// <summary>A share changes only when it moves by more than this part of itself (a twentieth), so hosts are not told every small change.</summary>
    private const int Hysteresis = 20;

    /// <summary>
    /// What the workers may take, in bytes: the budget less the processes' fixed size, and never less
    /// than a quarter of the budget (a budget smaller than the processes themselves still keeps a few workers).
    /// </summary>
    public static long ForWorkers(long budget, long fixedBytes) => Math.Max(budget - fixedBytes, budget / 4);

    /// <summary>Each host's share of <paramref name="forWorkers"/> bytes, given what each holds now (<paramref name="used"/>).</summary>
    public static Dictionary<string, long> Divide(long forWorkers, IReadOnlyDictionary<string, long> used)
    {
        ArgumentNullException.ThrowIfNull(used);
        var shares = new Dictionary<string, long>(used.Count, StringComparer.Ordinal);
        if (used.Count == 0) return shares;
        var total = used.Values.Sum();
        var floor = forWorkers / 2 / used.Count;
        foreach (var (host, holds) in used)
        {
            shares[host] = total <= forWorkers
                ? Math.Max(floor, holds + (forWorkers - total) / used.Count)
                : floor + (long)((forWorkers - floor * used.Count) * ((double)holds / total));
        }
        return shares;
    }

    /// <summary>True when <paramref name="share"/> differs enough from the one last told (<paramref name="told"/>, 0 for none) to be told.</summary>
    public static bool Changed(long told, long share) => told == 0 || Math.Abs(share - told) > told / Hysteresis;
}
