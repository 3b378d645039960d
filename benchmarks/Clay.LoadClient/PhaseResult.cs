namespace Clay.LoadClient;

/// <summary>The figures of one phase of the workload.</summary>
/// <param name="Name">The phase.</param>
/// <param name="Invocations">Calls completed.</param>
/// <param name="Seconds">Wall time of the phase.</param>
/// <param name="SortedLatenciesMs">Each call's latency, sorted ascending.</param>
/// <param name="ServerCpu">User + system CPU of all server processes during the phase.</param>
/// <param name="ClientCpu">User + system CPU of this load client during the phase.</param>
/// <param name="ServerAllocatedBytes">Bytes the server's runtime allocated during the phase, when it reports them.</param>
/// <param name="Failed">Calls that were refused or failed.</param>
/// <param name="WrongAnswers">Reads whose answer did not hold exactly the cart's own items.</param>
public sealed record PhaseResult(string Name, int Invocations, double Seconds, double[] SortedLatenciesMs, TimeSpan ServerCpu, TimeSpan ClientCpu,
    long? ServerAllocatedBytes, int Failed, int WrongAnswers)
{
    /// <summary>
    /// Of <see cref="ServerAllocatedBytes"/>, what the component hosts allocated (the rest is the server
    /// process's own); null when the server runs no hosts or reports none.
    /// </summary>
    public long? HostsAllocatedBytes { get; init; }

    /// <summary>
    /// Of <see cref="ServerCpu"/>, what the component hosts used (the rest is the server process's
    /// own); null when the server runs no hosts or reports none.
    /// </summary>
    public TimeSpan? HostsCpu { get; init; }

    /// <summary>
    /// How long this client's own collections held it during the phase: every call in flight looks
    /// slower by that much, whatever the server did.
    /// </summary>
    public TimeSpan ClientGcPause { get; init; }

    /// <summary>Invocations per second.</summary>
    public double Rate => Invocations / Seconds;

    /// <summary>The <paramref name="p"/>-th latency percentile in milliseconds.</summary>
    public double Percentile(double p)
    {
        if (SortedLatenciesMs.Length == 0) return double.NaN;
        var rank = (int)Math.Ceiling(p / 100.0 * SortedLatenciesMs.Length) - 1;
        return SortedLatenciesMs[Math.Clamp(rank, 0, SortedLatenciesMs.Length - 1)];
    }

    /// <summary>Server CPU per invocation in microseconds.</summary>
    public double ServerCpuMicrosPerCall => ServerCpu.TotalMicroseconds / Math.Max(1, Invocations);

    /// <summary>Client CPU per invocation in microseconds.</summary>
    public double ClientCpuMicrosPerCall => ClientCpu.TotalMicroseconds / Math.Max(1, Invocations);

    /// <summary>The component hosts' CPU per invocation, in microseconds; null without <see cref="HostsCpu"/>.</summary>
    public double? HostsCpuMicrosPerCall => HostsCpu is { } hosts ? hosts.TotalMicroseconds / Math.Max(1, Invocations) : null;

    /// <summary>The figures as one JSON-friendly dictionary.</summary>
    public Dictionary<string, object?> ToJson() => new()
    {
        ["invocations"] = Invocations,
        ["seconds"] = Math.Round(Seconds, 3),
        ["per_second"] = Finite(Math.Round(Rate)),
        ["p50_ms"] = Finite(Math.Round(Percentile(50), 3)),
        ["p99_ms"] = Finite(Math.Round(Percentile(99), 3)),
        ["server_cpu_us_per_call"] = Math.Round(ServerCpuMicrosPerCall, 1),
        ["hosts_cpu_us_per_call"] = HostsCpuMicrosPerCall is { } hc ? Math.Round(hc, 1) : null,
        ["client_cpu_us_per_call"] = Math.Round(ClientCpuMicrosPerCall, 1),
        ["client_gc_pause_ms"] = Math.Round(ClientGcPause.TotalMilliseconds, 1),
        ["server_allocated_bytes_per_call"] = ServerAllocatedBytes is { } a ? Math.Round(a / (double)Math.Max(1, Invocations)) : null,
        ["hosts_allocated_bytes_per_call"] = HostsAllocatedBytes is { } h ? Math.Round(h / (double)Math.Max(1, Invocations)) : null,
        ["failed"] = Failed,
        ["wrong_answers"] = WrongAnswers,
    };

    /// <summary>JSON has no NaN: a phase without calls has no rate or percentiles.</summary>
    private static double? Finite(double value) => double.IsFinite(value) ? value : null;

    /// <summary>One readable line.</summary>
    public override string ToString() =>
        $"{Name,-7} {Invocations,8} calls in {Seconds,6:F1} s = {Rate,7:F0}/s  p50 {Percentile(50),7:F2} ms  p99 {Percentile(99),7:F2} ms  "
        + $"server CPU {ServerCpuMicrosPerCall,6:F0} µs/call"
        + (HostsCpuMicrosPerCall is { } hc ? $" (hosts {hc:F0})" : "")
        + $"  client CPU {ClientCpuMicrosPerCall,5:F0} µs/call (GC {ClientGcPause.TotalMilliseconds:F0} ms)"
        + (ServerAllocatedBytes is { } a ? $"  server alloc {a / (double)Math.Max(1, Invocations),7:F0} B/call" : "")
        + (HostsAllocatedBytes is { } h ? $" (hosts {h / (double)Math.Max(1, Invocations):F0})" : "")
        + (Failed + WrongAnswers > 0 ? $"  {Failed} failed, {WrongAnswers} wrong" : "");
}
