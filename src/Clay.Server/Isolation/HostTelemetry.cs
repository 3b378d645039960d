using System.Diagnostics;
using System.Diagnostics.Metrics;
using Clay.Cluster.Hosts;
using Clay.Runtime.Diagnostics;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Trace;

namespace Clay.Server.Isolation;

/// <summary>
/// What a component host reports of its workers so that isolation hides nothing from the server's
/// telemetry: the measurements of Clay's meter (invocations, their latency, commits), collected here
/// and passed on in batches, and the spans of its invocations, exported by the host itself to the
/// server's OTLP endpoint as children of the server's spans.
/// </summary>
internal sealed class HostTelemetry : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly Lock _lock = new();
    private List<Series> _pending = [];
    private readonly TracerProvider? _tracer;

    /// <summary>Starts listening to Clay's meter, and tracing when <paramref name="settings"/> asks for it.</summary>
    public HostTelemetry(HostSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == ClayTelemetry.Name && !instrument.IsObservable) listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Take(instrument, value, tags));
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Take(instrument, value, tags));
        _listener.Start();
        if (settings.Tracing)
        {
            _tracer = OpenTelemetry.Sdk.CreateTracerProviderBuilder()
                .AddSource(ClayTelemetry.Name)
                .SetSampler(new ParentBasedSampler(new TraceIdRatioBasedSampler(settings.TraceSampleRatio)))
                .AddOtlpExporter(o =>
                {
                    if (settings.OtlpEndpoint is not { } endpoint) return;
                    o.Endpoint = o.Protocol == OtlpExportProtocol.HttpProtobuf && endpoint.AbsolutePath == "/" ? new Uri(endpoint, "v1/traces") : endpoint;
                })
                .Build();
        }
    }

    /// <summary>
    /// The measurements taken since the last call, one item per instrument and tags (a counter's sum,
    /// a histogram's values), or null when there were none.
    /// </summary>
    public HostMeasurements? Drain()
    {
        List<Series> taken;
        lock (_lock)
        {
            if (_pending.Count == 0) return null;
            taken = _pending;
            _pending = [];
        }
        return new HostMeasurements([.. taken.Select(s => s.Values is { } values
            ? new HostMeasurement(s.Instrument.Name, 0, s.Tags, [.. values])
            : new HostMeasurement(s.Instrument.Name, s.Sum, s.Tags))]);
    }

    /// <summary>
    /// Starts the host's span of one call of the server, a child of the server's span named by
    /// <paramref name="traceParent"/>, so the invocation it runs joins the caller's trace.
    /// </summary>
    public static Activity? StartCall(string function, string? traceParent) =>
        traceParent is not null && ActivityContext.TryParse(traceParent, null, out var parent)
            ? ClayTelemetry.Source.StartActivity($"component host {function}", ActivityKind.Server, parent)
            : null;

    /// <inheritdoc/>
    public void Dispose()
    {
        _listener.Dispose();
        _tracer?.Dispose();
    }

    private void Take<T>(Instrument instrument, T value, ReadOnlySpan<KeyValuePair<string, object?>> tags) where T : struct
    {
        var number = Convert.ToDouble(value, System.Globalization.CultureInfo.InvariantCulture);
        lock (_lock)
        {
            // A few series (instrument × component × function × outcome) take every measurement: found, not allocated.
            foreach (var series in _pending)
            {
                if (series.Instrument != instrument || !series.Matches(tags)) continue;
                series.Add(number);
                return;
            }
            var flat = new string[tags.Length * 2];
            for (var i = 0; i < tags.Length; i++)
            {
                flat[2 * i] = tags[i].Key;
                flat[2 * i + 1] = tags[i].Value?.ToString() ?? "";
            }
            var added = new Series(instrument, flat, instrument is Histogram<double> or Histogram<long> ? [] : null);
            added.Add(number);
            _pending.Add(added);
        }
    }

    /// <summary>The measurements of one instrument with one set of tags: a sum, or each value.</summary>
    private sealed class Series(Instrument instrument, string[] tags, List<double>? values)
    {
        public Instrument Instrument { get; } = instrument;

        public string[] Tags { get; } = tags;

        public List<double>? Values { get; } = values;

        public double Sum { get; private set; }

        public void Add(double value)
        {
            if (Values is null) Sum += value;
            else Values.Add(value);
        }

        public bool Matches(ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            if (tags.Length * 2 != Tags.Length) return false;
            for (var i = 0; i < tags.Length; i++)
            {
                if (!string.Equals(Tags[2 * i], tags[i].Key, StringComparison.Ordinal)) return false;
                if (!(tags[i].Value is string text ? string.Equals(Tags[2 * i + 1], text, StringComparison.Ordinal)
                    : string.Equals(Tags[2 * i + 1], tags[i].Value?.ToString() ?? "", StringComparison.Ordinal))) return false;
            }
            return true;
        }
    }
}
