using System.Text.Json;
using System.Text.Json.Serialization;
using Clay.Runtime.Execution;

namespace Clay.Server.Isolation;

/// <summary>What the server tells a component host it starts (in <see cref="Variable"/>, as JSON).</summary>
internal sealed record HostSettings
{
    /// <summary>The environment variable that carries the settings.</summary>
    public const string Variable = "CLAY_HOST_SETTINGS";

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

    /// <summary>The settings as the variable holds them.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, HostSettingsJson.Default.HostSettings);

    /// <summary>The settings of this host process.</summary>
    public static HostSettings FromEnvironment() =>
        FromJson(Environment.GetEnvironmentVariable(Variable) ?? throw new InvalidOperationException($"{Variable} is not set: a component host is started by clay-server"));

    /// <summary>The settings <see cref="ToJson"/> wrote.</summary>
    public static HostSettings FromJson(string json) => JsonSerializer.Deserialize(json, HostSettingsJson.Default.HostSettings)!;
}

/// <summary>
/// The settings' JSON, generated at build time: a host reads them before anything else, and reflection
/// would make each new host compile a few hundred methods of the serializer first.
/// </summary>
[JsonSerializable(typeof(HostSettings))]
internal sealed partial class HostSettingsJson : JsonSerializerContext;
