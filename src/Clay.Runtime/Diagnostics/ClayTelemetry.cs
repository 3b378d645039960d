using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Clay.Runtime.Diagnostics;

/// <summary>
/// The runtime's spans (activity source <c>Clay</c>) and invocation metrics (meter <c>Clay</c>).
/// Spans are made only for work done live: an invocation taken from a worker's queue, an external
/// effect that runs, a sleep that waits, a commit that writes. Replaying a worker from its oplog makes
/// none, so a recovery never repeats a trace. Without a listener (tracing off) nothing is allocated.
/// </summary>
public static class ClayTelemetry
{
    /// <summary>The name of the activity source and of the meter.</summary>
    public const string Name = "Clay";

    /// <summary>The source of Clay's spans.</summary>
    public static readonly ActivitySource Source = new(Name, typeof(ClayTelemetry).Assembly.GetName().Version?.ToString(3));

    private static readonly Meter Meter = new(Name);

    private static readonly Counter<long> Invocations = Meter.CreateCounter<long>("clay.invocations",
        description: "Invocations run to their end, by component, function and outcome (ok, failed, error)");

    /// <summary>
    /// The bucket boundaries of Clay's duration histograms, in seconds: from 100 µs (a commit's write) to
    /// a minute. Without them an exporter applies its defaults, which are meant for milliseconds (0, 5,
    /// 10 … 10,000): every duration in seconds would land in the first bucket.
    /// </summary>
    public static readonly InstrumentAdvice<double> SecondsAdvice = new()
    {
        HistogramBucketBoundaries = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    };

    private static readonly Histogram<double> InvocationDuration = Meter.CreateHistogram("clay.invocation.duration", unit: "s",
        description: "Time from taking an invocation from the worker's queue to its committed end", tags: null, advice: SecondsAdvice);

    private static readonly Histogram<double> CommitDuration = Meter.CreateHistogram("clay.commit.duration", unit: "s",
        description: "Time for a worker's commit to become durable", tags: null, advice: SecondsAdvice);

    /// <summary>The span attribute holding <c>component/worker</c>.</summary>
    public const string WorkerAttribute = "clay.worker";

    /// <summary>The span attribute holding the component's name.</summary>
    public const string ComponentAttribute = "clay.component";

    /// <summary>The span attribute holding the function's name.</summary>
    public const string FunctionAttribute = "clay.function";

    /// <summary>The span attribute holding the invocation's idempotency key.</summary>
    public const string InvocationKeyAttribute = "clay.invocation.key";

    /// <summary>The span attribute holding an effect's recorded name (<c>http::GET …</c>, <c>run::name</c>).</summary>
    public const string EffectAttribute = "clay.effect";

    /// <summary>Starts the span of an external effect that runs live; null when no one listens.</summary>
    internal static Activity? StartEffect(string name, Oplog.EffectKind kind)
    {
        if (!Source.HasListeners()) return null;
        var separator = name.IndexOf("::", StringComparison.Ordinal);
        var family = separator > 0 ? name[..separator] : name;
        var activity = Source.StartActivity($"effect {family}", ActivityKind.Internal);
        activity?.SetTag(EffectAttribute, name);
        activity?.SetTag("clay.effect.kind", kind.ToString());
        return activity;
    }

    /// <summary>Starts the span of a durable sleep that waits; null when no one listens.</summary>
    internal static Activity? StartSleep(DateTimeOffset wakeAt)
    {
        if (!Source.HasListeners()) return null;
        var activity = Source.StartActivity("sleep", ActivityKind.Internal);
        activity?.SetTag("clay.sleep.until", wakeAt.ToString("O", System.Globalization.CultureInfo.InvariantCulture));
        return activity;
    }

    /// <summary>Starts the span of a commit (one handed over covers its sending only); null when no one listens.</summary>
    internal static Activity? StartCommit(int entries, bool handedOver = false)
    {
        if (!Source.HasListeners()) return null;
        var activity = Source.StartActivity("commit", ActivityKind.Internal);
        activity?.SetTag("clay.commit.entries", entries);
        if (handedOver) activity?.SetTag("clay.commit.handed_over", true);
        return activity;
    }

    /// <summary>
    /// Records a commit's duration, from handing its entries to the store to their being durable; the
    /// server records those its component hosts handed over.
    /// </summary>
    public static void Committed(TimeSpan elapsed) => CommitDuration.Record(elapsed.TotalSeconds);

    /// <summary>Records an invocation's end.</summary>
    internal static void Ended(string component, string function, string outcome, TimeSpan elapsed)
    {
        var tags = new TagList { { "component", component }, { "function", function }, { "outcome", outcome } };
        Invocations.Add(1, tags);
        InvocationDuration.Record(elapsed.TotalSeconds, tags);
    }

    /// <summary>
    /// Records a measurement another process took with one of this meter's instruments (a component
    /// host's, passed on to its server), so the server's metrics count every worker it serves.
    /// Instruments this meter does not have are ignored.
    /// </summary>
    /// <param name="instrument">The instrument's name (<c>clay.invocations</c>, <c>clay.invocation.duration</c>, <c>clay.commit.duration</c>).</param>
    /// <param name="values">The measurements (each a counter's increment or a histogram's value).</param>
    /// <param name="tags">Their tags, as names and values alternating.</param>
    public static void Record(string instrument, IReadOnlyList<double> values, IReadOnlyList<string> tags)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(tags);
        var list = new TagList();
        for (var i = 0; i + 1 < tags.Count; i += 2) list.Add(tags[i], tags[i + 1]);
        foreach (var value in values)
        {
            switch (instrument)
            {
                case "clay.invocations": Invocations.Add((long)value, list); break;
                case "clay.invocation.duration": InvocationDuration.Record(value, list); break;
                case "clay.commit.duration": CommitDuration.Record(value, list); break;
            }
        }
    }
}
