using System.Diagnostics.Metrics;
using Clay.Runtime.Execution;
using Clay.Runtime.Hosting;
using Clay.Runtime.Residency;

namespace Clay.Cluster.Workers;

/// <summary>
/// Clay's metrics (meter <c>Clay</c>), exported at <c>/metrics</c> in Prometheus format:
/// <c>clay_workers_resident</c>, <c>clay_worker_grains</c>, <c>clay_worker_evictions_total</c>,
/// <c>clay_worker_recoveries_total</c>, <c>clay_worker_recovery_duration_seconds</c>,
/// <c>clay_memory_budget_bytes</c>, <c>clay_memory_used_bytes</c>, the store's
/// <c>clay_oplog_entries_total</c> and <c>clay_oplog_bytes_total</c>, the resident workers'
/// <c>clay_invocations_pending</c> and <c>clay_invocations_running</c>, the wake-up clock's
/// <c>clay_timers_waiting</c> and <c>clay_timers_firing</c>, and the component hosts'
/// <c>clay_component_hosts_allocated_bytes_total</c>.
/// </summary>
public sealed class ClayMetrics : IDisposable
{
    /// <summary>The meter's name, for exporters to listen to.</summary>
    public const string MeterName = "Clay";

    private readonly Meter _meter = new(MeterName);
    private readonly Counter<long> _evictions;
    private readonly Counter<long> _recoveries;
    private readonly Histogram<double> _recoveryTime;
    private readonly Counter<long> _hostCrashes;

    /// <summary>Creates the instruments; the observable ones read <paramref name="resident"/>, <paramref name="timers"/> and the given callbacks.</summary>
    public ClayMetrics(ResidentWorkers resident, WakeUpTimers timers, Func<long> memoryBudget, Func<long> memoryUsed, Func<long> oplogEntries, Func<long> oplogBytes)
    {
        ArgumentNullException.ThrowIfNull(resident);
        ArgumentNullException.ThrowIfNull(timers);
        _meter.CreateObservableGauge("clay.invocations.pending",
            () => resident.Tally().Pending + (Elsewhere?.Invoke().Pending ?? 0),
            description: "Invocations queued in the resident workers, behind the one each is running");
        _meter.CreateObservableGauge("clay.invocations.running",
            () => resident.Tally().Running + (Elsewhere?.Invoke().Running ?? 0),
            description: "Resident workers running an invocation");
        _meter.CreateObservableGauge("clay.timers.waiting", () => timers.Waiting,
            description: "Wake-ups waiting for their time: sleeps, retries, schedules and pending work of workers not in memory");
        _meter.CreateObservableGauge("clay.timers.firing", () => timers.Running, description: "Wake-ups under way");
        _meter.CreateObservableGauge("clay.workers.resident", () => resident.Count + (Elsewhere?.Invoke().Resident ?? 0), description: "Workers in memory");
        _meter.CreateObservableGauge("clay.worker.grains", () => WorkerGrain.Active,
            description: "Worker grains active in this process: the doors to the workers in memory, here or in a component host");
        _meter.CreateObservableGauge("clay.memory.budget", memoryBudget, unit: "By", description: "The executor's memory budget");
        _meter.CreateObservableGauge("clay.memory.used", memoryUsed, unit: "By", description: "Estimated memory of the resident workers");
        _meter.CreateObservableCounter("clay.oplog.entries", oplogEntries, description: "Oplog entries written");
        _meter.CreateObservableCounter("clay.oplog.bytes", oplogBytes, unit: "By", description: "Oplog bytes written");
        _meter.CreateObservableCounter("clay.component_hosts.allocated", () => ElsewhereAllocated?.Invoke() ?? 0, unit: "By",
            description: "Bytes allocated by the runtimes of the component hosts, as they last reported (every 64 KiB)");
        _evictions = _meter.CreateCounter<long>("clay.worker.evictions", description: "Workers dropped from memory to stay within the budget or idle limit");
        _recoveries = _meter.CreateCounter<long>("clay.worker.recoveries", description: "Workers rebuilt from their oplog");
        _hostCrashes = _meter.CreateCounter<long>("clay.component_host.crashes", description: "Component host processes that ended on their own");
        _recoveryTime = _meter.CreateHistogram("clay.worker.recovery.duration", unit: "s", description: "Time to rebuild a worker from its oplog",
            tags: null, advice: Runtime.Diagnostics.ClayTelemetry.SecondsAdvice);
    }

    /// <summary>
    /// What other processes of this server (its component hosts) hold: workers in memory, invocations
    /// queued in them, workers running one — added to this process's own in the gauges.
    /// </summary>
    public Func<(int Resident, long Pending, int Running)>? Elsewhere { get; set; }

    /// <summary>Bytes allocated by the runtimes of this server's other processes (its component hosts).</summary>
    public Func<long>? ElsewhereAllocated { get; set; }

    /// <summary>Counts evictions.</summary>
    public void Evicted(int count = 1) => _evictions.Add(count);

    /// <summary>Records a recovery and how long it took.</summary>
    public void Recovered(TimeSpan duration)
    {
        _recoveries.Add(1);
        _recoveryTime.Record(duration.TotalSeconds);
    }

    /// <summary>Counts a component host that ended on its own.</summary>
    public void HostCrashed() => _hostCrashes.Add(1);

    /// <inheritdoc/>
    public void Dispose() => _meter.Dispose();
}
