using System.Collections.Concurrent;
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
    private readonly ConcurrentQueue<HostMeasurement> _pending = new();
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

    /// <summary>The measurements taken since the last call, or null when there were none.</summary>
    public HostMeasurements? Drain()
    {
        if (_pending.IsEmpty) return null;
        var items = new List<HostMeasurement>();
        while (_pending.TryDequeue(out var item)) items.Add(item);
        return new HostMeasurements([.. items]);
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
        var flat = new string[tags.Length * 2];
        for (var i = 0; i < tags.Length; i++)
        {
            flat[2 * i] = tags[i].Key;
            flat[2 * i + 1] = tags[i].Value?.ToString() ?? "";
        }
        _pending.Enqueue(new HostMeasurement(instrument.Name, Convert.ToDouble(value, System.Globalization.CultureInfo.InvariantCulture), flat));
    }
}
