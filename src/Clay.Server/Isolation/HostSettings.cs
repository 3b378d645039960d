using System.Globalization;
using System.Text;
using Clay.Runtime.Execution;

namespace Clay.Server.Isolation;

/// <summary>What the server tells a component host it starts (in its environment, see <see cref="ToEnvironment"/>).</summary>
internal sealed record HostSettings
{
    /// <summary>The component whose workers the host runs.</summary>
    public string Component { get; init; } = "";

    /// <summary>See <see cref="WorkerExecutorOptions.SnapshotEvery"/>.</summary>
    public int SnapshotEvery { get; init; }

    /// <summary>See <see cref="WorkerExecutorOptions.SnapshotEveryBytes"/>.</summary>
    public long SnapshotEveryBytes { get; init; }

    /// <summary>See <see cref="WorkerExecutorOptions.IdempotencyKeys"/>.</summary>
    public int IdempotencyKeys { get; init; }

    /// <summary>See <see cref="WorkerExecutorOptions.InvocationRetry"/>.</summary>
    public Sdk.RetryPolicy InvocationRetry { get; init; } = new WorkerExecutorOptions().InvocationRetry;

    /// <summary>See <see cref="WorkerExecutorOptions.Limits"/>.</summary>
    public WorkerLimits Limits { get; init; } = new();

    /// <summary>The memory budget of the host's resident workers; idle ones are evicted beyond it.</summary>
    public long MemoryBudgetBytes { get; init; }

    /// <summary>How long one oplog read may scan.</summary>
    public TimeSpan QueryTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Enter the file-system sandbox (Landlock) before loading component code.</summary>
    public bool Sandbox { get; init; }

    /// <summary>Where the component's unpacked versions are (the host may read them).</summary>
    public string ComponentDirectory { get; init; } = "";

    /// <summary>The host's scratch directory (its working directory, the only one it may write).</summary>
    public string ScratchDirectory { get; init; } = "";

    /// <summary>The CPU time one invocation may use before the host is stopped; zero: no limit.</summary>
    public TimeSpan InvocationCpuLimit { get; init; }

    /// <summary>How long one invocation's code may hold a thread without giving it back before the host is stopped; zero: no limit.</summary>
    public TimeSpan InvocationBlockLimit { get; init; }

    /// <summary>The host's data segment limit (<c>RLIMIT_DATA</c>) in bytes; zero: none.</summary>
    public long DataLimitBytes { get; init; }
    /// <summary>True when the host exports the spans of its invocations, as the server does.</summary>
    public bool Tracing { get; init; }

    /// <summary>The server's <c>--otlp-endpoint</c>; without it the exporter reads the standard <c>OTEL_EXPORTER_OTLP_*</c> variables.</summary>
    public Uri? OtlpEndpoint { get; init; }

    /// <summary>The share of new traces recorded (a caller's sampled trace is always followed).</summary>
    public double TraceSampleRatio { get; init; } = 1;

    /// <summary>
    /// The settings as the host's environment carries them: one variable each, named
    /// <see cref="Prefix"/> and the setting (<c>CLAY_HOST_SNAPSHOT_EVERY</c>), numbers in invariant
    /// form, durations in ticks.
    /// </summary>
    /// <remarks>
    /// A host reads them before anything else, twice (before and after it enters its sandbox), and
    /// plain variables cost it no serializer: JSON, even with its metadata generated at build time,
    /// took a new host 60–90 ms to set up each time, and 30–70 ms with only a JSON document.
    /// </remarks>
    public IEnumerable<KeyValuePair<string, string>> ToEnvironment()
    {
        yield return Variable(nameof(Component), Component);
        yield return Variable(nameof(SnapshotEvery), Number(SnapshotEvery));
        yield return Variable(nameof(SnapshotEveryBytes), Number(SnapshotEveryBytes));
        yield return Variable(nameof(IdempotencyKeys), Number(IdempotencyKeys));
        yield return Variable(Retry(nameof(Sdk.RetryPolicy.MaxAttempts)), Number(InvocationRetry.MaxAttempts));
        yield return Variable(Retry(nameof(Sdk.RetryPolicy.InitialDelay)), Number(InvocationRetry.InitialDelay.Ticks));
        yield return Variable(Retry(nameof(Sdk.RetryPolicy.MaxDelay)), Number(InvocationRetry.MaxDelay.Ticks));
        yield return Variable(Retry(nameof(Sdk.RetryPolicy.Multiplier)), InvocationRetry.Multiplier.ToString("R", CultureInfo.InvariantCulture));
        yield return Variable(nameof(WorkerLimits.MaxArgumentBytes), Number(Limits.MaxArgumentBytes));
        yield return Variable(nameof(WorkerLimits.MaxResultBytes), Number(Limits.MaxResultBytes));
        yield return Variable(nameof(WorkerLimits.MaxEntryBytes), Number(Limits.MaxEntryBytes));
        yield return Variable(nameof(WorkerLimits.MaxPendingInvocations), Number(Limits.MaxPendingInvocations));
        yield return Variable(nameof(MemoryBudgetBytes), Number(MemoryBudgetBytes));
        yield return Variable(nameof(QueryTimeout), Number(QueryTimeout.Ticks));
        yield return Variable(nameof(Sandbox), Sandbox ? "1" : "0");
        yield return Variable(nameof(ComponentDirectory), ComponentDirectory);
        yield return Variable(nameof(ScratchDirectory), ScratchDirectory);
        yield return Variable(nameof(InvocationCpuLimit), Number(InvocationCpuLimit.Ticks));
        yield return Variable(nameof(InvocationBlockLimit), Number(InvocationBlockLimit.Ticks));
        yield return Variable(nameof(DataLimitBytes), Number(DataLimitBytes));
        yield return Variable(nameof(Tracing), Tracing ? "1" : "0");
        // Absent: none.
        if (OtlpEndpoint is not null) yield return Variable(nameof(OtlpEndpoint), OtlpEndpoint.OriginalString);
        yield return Variable(nameof(TraceSampleRatio), TraceSampleRatio.ToString("R", CultureInfo.InvariantCulture));

        static KeyValuePair<string, string> Variable(string setting, string value) => new(Name(setting), value);
        static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>The settings of this host process.</summary>
    public static HostSettings FromEnvironment() => FromEnvironment(Environment.GetEnvironmentVariable);

    /// <summary>The settings <see cref="ToEnvironment"/> wrote, read with <paramref name="variable"/>.</summary>
    /// <exception cref="InvalidOperationException">A setting is missing or malformed (this process was not started by clay-server, or by another build).</exception>
    public static HostSettings FromEnvironment(Func<string, string?> variable)
    {
        ArgumentNullException.ThrowIfNull(variable);
        return new HostSettings
        {
            Component = Text(nameof(Component)),
            SnapshotEvery = Whole(nameof(SnapshotEvery)),
            SnapshotEveryBytes = Number(nameof(SnapshotEveryBytes)),
            IdempotencyKeys = Whole(nameof(IdempotencyKeys)),
            InvocationRetry = new Sdk.RetryPolicy(
                Whole(Retry(nameof(Sdk.RetryPolicy.MaxAttempts))),
                Duration(Retry(nameof(Sdk.RetryPolicy.InitialDelay))),
                Duration(Retry(nameof(Sdk.RetryPolicy.MaxDelay))),
                Fraction(Retry(nameof(Sdk.RetryPolicy.Multiplier)))),
            Limits = new WorkerLimits
            {
                MaxArgumentBytes = Whole(nameof(WorkerLimits.MaxArgumentBytes)),
                MaxResultBytes = Whole(nameof(WorkerLimits.MaxResultBytes)),
                MaxEntryBytes = Whole(nameof(WorkerLimits.MaxEntryBytes)),
                MaxPendingInvocations = Whole(nameof(WorkerLimits.MaxPendingInvocations)),
            },
            MemoryBudgetBytes = Number(nameof(MemoryBudgetBytes)),
            QueryTimeout = Duration(nameof(QueryTimeout)),
            Sandbox = Flag(nameof(Sandbox)),
            ComponentDirectory = Text(nameof(ComponentDirectory)),
            ScratchDirectory = Text(nameof(ScratchDirectory)),
            InvocationCpuLimit = Duration(nameof(InvocationCpuLimit)),
            InvocationBlockLimit = Duration(nameof(InvocationBlockLimit)),
            DataLimitBytes = Number(nameof(DataLimitBytes)),
            Tracing = Flag(nameof(Tracing)),
            OtlpEndpoint = variable(Name(nameof(OtlpEndpoint))) is { } endpoint ? new Uri(endpoint) : null,
            TraceSampleRatio = Fraction(nameof(TraceSampleRatio)),
        };

        string Text(string setting) => variable(Name(setting))
            ?? throw new InvalidOperationException($"{Name(setting)} is not set: a component host is started by clay-server, which sets it");

        long Number(string setting, long min = long.MinValue, long max = long.MaxValue) =>
            long.TryParse(Text(setting), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max
                ? value
                : throw Malformed(setting, min == long.MinValue ? "a whole number" : $"a whole number from {min} to {max}");

        int Whole(string setting) => (int)Number(setting, int.MinValue, int.MaxValue);

        TimeSpan Duration(string setting) => TimeSpan.FromTicks(Number(setting));

        double Fraction(string setting) =>
            double.TryParse(Text(setting), NumberStyles.Float, CultureInfo.InvariantCulture, out var value) ? value : throw Malformed(setting, "a number");

        bool Flag(string setting) => Text(setting) switch
        {
            "1" => true,
            "0" => false,
            _ => throw Malformed(setting, "1 or 0"),
        };

        InvalidOperationException Malformed(string setting, string what) =>
            new($"{Name(setting)} is '{variable(Name(setting))}', not {what}: the host and the server that started it are not of one build");
    }

    /// <summary>The variables' prefix.</summary>
    public const string Prefix = "CLAY_HOST_";

    /// <summary>The variable of a setting: <c>SnapshotEvery</c> is <c>CLAY_HOST_SNAPSHOT_EVERY</c>.</summary>
    public static string Name(string setting)
    {
        var name = new StringBuilder(Prefix, Prefix.Length + setting.Length * 2);
        for (var i = 0; i < setting.Length; i++)
        {
            if (i > 0 && char.IsUpper(setting[i]) && !char.IsUpper(setting[i - 1])) name.Append('_');
            name.Append(char.ToUpperInvariant(setting[i]));
        }
        return name.ToString();
    }

    private static string Retry(string setting) => "Retry" + setting;
}
