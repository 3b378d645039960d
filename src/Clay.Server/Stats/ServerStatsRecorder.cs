using System.Diagnostics.Metrics;
using Clay.Cluster.Workers;

namespace Clay.Server.Stats;

/// <summary>
/// Reads the figures <c>/metrics</c> exports — it listens to the same instruments — and keeps a
/// sample every <see cref="Interval"/> for the last <see cref="HistoryLength"/> samples, so the
/// dashboard can chart them without a time-series database. Invocations are counted from ASP.NET
/// Core's request-duration instrument for the invoke route.
/// </summary>
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
        _listener.SetMeasurementEventCallback<long>((instrument, value, _, _) => OnLong(instrument.Name, value));
        _listener.SetMeasurementEventCallback<int>((instrument, value, _, _) => OnLong(instrument.Name, value));
        _listener.SetMeasurementEventCallback<double>((instrument, _, tags, _) => OnRequest(instrument.Name, tags));
        _listener.Start();
    }

    /// <summary>Time between two samples.</summary>
    public static TimeSpan Interval { get; } = TimeSpan.FromSeconds(1);

    /// <summary>When the server started.</summary>
    public DateTimeOffset StartedAt { get; }

    /// <summary>The figures now and the kept history.</summary>
    public ServerStatsDto Read()
    {
        var now = Sample(fromTimer: false);
        lock (_gate)
        {
            return new ServerStatsDto(typeof(ServerStatsRecorder).Assembly.GetName().Version?.ToString(3) ?? "0.0.0", StartedAt,
                Interval.TotalSeconds, now, _history.ToList());
        }
    }

    /// <inheritdoc/>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                var sample = Sample(fromTimer: true);
                lock (_gate)
                {
                    _history.Enqueue(sample);
                    while (_history.Count > HistoryLength) _history.Dequeue();
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
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

    private void OnLong(string instrument, long value)
    {
        switch (instrument)
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
