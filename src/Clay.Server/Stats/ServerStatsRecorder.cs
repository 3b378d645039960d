using System.Diagnostics.Metrics;
using Clay.Cluster.Workers;
using Clay.Runtime;

namespace Clay.Server.Stats;

/// <summary>
/// Reads the figures <c>/metrics</c> exports — it listens to the same instruments — and keeps a
/// sample every <see cref="Interval"/> for the last <see cref="HistoryLength"/> samples, so the
/// dashboard can chart them without a time-series database. Invocations are counted from ASP.NET
/// Core's request-duration instrument for the invoke route.
/// </summary>
/// <remarks>
/// An idle server should not wake every second to record that nothing happened: after
/// <see cref="QuietSamples"/> samples alike, the recorder waits for the next measurement (a request,
/// an eviction, a recovery) or at most <see cref="DormantPeriod"/>, and fills the seconds it slept
/// with the last sample, as they would have been recorded.
/// </remarks>
public sealed class ServerStatsRecorder : BackgroundService
{
    /// <summary>Samples kept: ten minutes at one a second.</summary>
    public const int HistoryLength = 600;

    private const string HostingMeter = "Microsoft.AspNetCore.Hosting";
    private readonly TimeProvider _time;
    private readonly MeterListener _listener = new();
    private readonly Lock _gate = new();
    private readonly Queue<ServerStatsSample> _history = new();
    private long _resident, _memoryUsed, _memoryBudget, _oplogEntries;
    private long _evictions, _recoveries, _invocations, _failedInvocations;
    private ServerStatsSample? _last;
    private readonly NextSignal _activity = new();
    private DateTimeOffset? _kept;
    private volatile bool _dormant;

    /// <summary>Starts listening to Clay's meter and to the HTTP request instrument.</summary>
    public ServerStatsRecorder(TimeProvider time)
    {
        _time = time;
        StartedAt = time.GetUtcNow();
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == ClayMetrics.MeterName
                || (instrument.Meter.Name == HostingMeter && instrument.Name == "http.server.request.duration"))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, _, _) => OnLong(instrument, value));
        _listener.SetMeasurementEventCallback<int>((instrument, value, _, _) => OnLong(instrument, value));
        _listener.SetMeasurementEventCallback<double>((instrument, _, tags, _) => OnRequest(instrument.Name, tags));
        _listener.Start();
    }

    /// <summary>Time between two samples.</summary>
    public static TimeSpan Interval { get; } = TimeSpan.FromSeconds(1);

    /// <summary>How many samples alike, one after the other, make the recorder wait for activity.</summary>
    public const int QuietSamples = 3;

    /// <summary>The longest a recorder waiting for activity goes without a sample (gauges change without measurements).</summary>
    public static TimeSpan DormantPeriod { get; } = TimeSpan.FromSeconds(10);

    /// <summary>When the server started.</summary>
    public DateTimeOffset StartedAt { get; }

    /// <summary>The figures now and the kept history.</summary>
    public ServerStatsDto Read()
    {
        var now = Sample(fromTimer: false);
        lock (_gate)
        {
            if (_dormant) FillQuietSeconds(now.Time);
            return new ServerStatsDto(typeof(ServerStatsRecorder).Assembly.GetName().Version?.ToString(3) ?? "0.0.0", StartedAt,
                Interval.TotalSeconds, now, _history.ToList());
        }
    }

    /// <inheritdoc/>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var alike = 0;
        Task? activity = null;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                // Awake, a sample every second; asleep, at the next activity, or after DormantPeriod anyway
                // (gauges change without measurements).
                if (activity is null)
                {
                    await Task.Delay(Interval, _time, stoppingToken);
                }
                else if (await NextSignal.WaitAsync(activity, DormantPeriod, _time, stoppingToken))
                {
                    // Something happened: sampled again every second from now on.
                    alike = 0;
                    activity = null;
                    _dormant = false;
                    continue;
                }
                // Armed before the sample that may put the recorder to sleep, so that a measurement made
                // after the sample is not missed.
                var armed = alike >= QuietSamples - 1 ? _activity.NextAsync() : null;
                var previous = _last;
                var sample = Sample(fromTimer: true);
                lock (_gate)
                {
                    FillQuietSeconds(sample.Time);
                    Keep(sample);
                }
                alike = previous is not null && Alike(previous, sample) ? alike + 1 : 0;
                _dormant = alike >= QuietSamples;
                activity = _dormant ? armed : null;
                if (!_dormant) _activity.Disarm();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>Two samples alike: nothing was measured between them.</summary>
    private static bool Alike(ServerStatsSample a, ServerStatsSample b) =>
        a.ResidentWorkers == b.ResidentWorkers && a.MemoryUsed == b.MemoryUsed && a.MemoryBudget == b.MemoryBudget && a.Evictions == b.Evictions
        && a.Recoveries == b.Recoveries && a.Invocations == b.Invocations && a.FailedInvocations == b.FailedInvocations
        && a.OplogEntries == b.OplogEntries;

    /// <summary>The seconds the recorder slept through, as they would have been sampled: like the last sample, at no rate.</summary>
    private void FillQuietSeconds(DateTimeOffset until)
    {
        if (_kept is not { } kept || _last is not { } last) return;
        for (var time = kept + Interval; time <= until - Interval / 2; time += Interval) Keep(last with { Time = time, InvocationsPerSecond = 0 });
    }

    private void Keep(ServerStatsSample sample)
    {
        _history.Enqueue(sample);
        _kept = sample.Time;
        while (_history.Count > HistoryLength) _history.Dequeue();
    }

    /// <inheritdoc/>
    public override void Dispose()
    {
        _listener.Dispose();
        base.Dispose();
    }

    private ServerStatsSample Sample(bool fromTimer)
    {
        lock (_gate)
        {
            // Observable gauges and counters report only when asked.
            _listener.RecordObservableInstruments();
            var time = _time.GetUtcNow();
            var invocations = Interlocked.Read(ref _invocations);
            var rate = _last is { } last && time > last.Time
                ? (invocations - last.Invocations) / (time - last.Time).TotalSeconds
                : 0;
            var sample = new ServerStatsSample(time, _resident, _memoryUsed, _memoryBudget, Interlocked.Read(ref _evictions),
                Interlocked.Read(ref _recoveries), invocations, Interlocked.Read(ref _failedInvocations), Math.Round(rate, 1), _oplogEntries,
                Environment.WorkingSet);
            // Rates are taken against the timer's previous sample, whatever requests read in between.
            if (fromTimer) _last = sample;
            return sample;
        }
    }

    private void OnLong(Instrument instrument, long value)
    {
        // Gauges report when asked, by the recorder itself; a measurement made by the server wakes it.
        if (!instrument.IsObservable) _activity.Signal();
        switch (instrument.Name)
        {
            case "clay.workers.resident": _resident = value; break;
            case "clay.memory.used": _memoryUsed = value; break;
            case "clay.memory.budget": _memoryBudget = value; break;
            case "clay.oplog.entries": _oplogEntries = value; break;
            case "clay.worker.evictions": Interlocked.Add(ref _evictions, value); break;
            case "clay.worker.recoveries": Interlocked.Add(ref _recoveries, value); break;
        }
    }

    private void OnRequest(string instrument, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (instrument != "http.server.request.duration") return;
        // One read on the path of every request while the recorder is awake.
        _activity.Signal();
        string? route = null, method = null;
        var status = 0;
        foreach (var tag in tags)
        {
            switch (tag.Key)
            {
                case "http.route": route = tag.Value as string; break;
                case "http.request.method": method = tag.Value as string; break;
                case "http.response.status_code": status = tag.Value is int code ? code : 0; break;
            }
        }
        if (method != "POST" || route is null || !route.EndsWith("/workers/{worker}/invoke", StringComparison.Ordinal)) return;
        Interlocked.Increment(ref _invocations);
        if (status >= 400) Interlocked.Increment(ref _failedInvocations);
    }
}
