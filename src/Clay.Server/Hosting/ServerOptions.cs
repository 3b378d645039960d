using System.Globalization;
using System.Net;
using Clay.Runtime;
using Clay.Runtime.Errors;
using Clay.Server.Isolation;

namespace Clay.Server.Hosting;

/// <summary>The options of <c>clay server run</c>.</summary>
public sealed record ServerOptions
{
    /// <summary>The default REST port.</summary>
    public const int DefaultPort = 9881;

    /// <summary>Where oplogs, the registry and component packages live.</summary>
    public string DataDirectory { get; init; } = DefaultDataDirectory();

    /// <summary>The REST API's port.</summary>
    public int Port { get; init; } = DefaultPort;

    /// <summary>The address to listen on; loopback by default.</summary>
    public IPAddress Listen { get; init; } = IPAddress.Loopback;

    /// <summary>
    /// True when the server listens beyond loopback: any <c>Host</c> is accepted then (the token is
    /// what guards it), and a newly generated token is shown once for remote clients.
    /// </summary>
    public bool BeyondLoopback => !IPAddress.IsLoopback(Listen);

    /// <summary>How long an idle worker stays in memory.</summary>
    public TimeSpan MaxIdle { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>The largest component package accepted (the upload as sent).</summary>
    public long MaxPackageBytes => Packages.MaxPackageBytes;

    /// <summary>What a component package may hold: upload size, unpacked size, entries, manifest, concurrent uploads.</summary>
    public Components.PackageLimits Packages { get; init; } = new();

    /// <summary>
    /// How long a stop (SIGTERM, SIGINT, SIGHUP) may take: past it the process exits even if worker
    /// code is still running. Such an invocation was never acknowledged and resumes when its worker next runs.
    /// </summary>
    public TimeSpan ShutdownTimeout { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>Where component code runs: in supervised host processes (the default), or in the server's own process.</summary>
    public IsolationMode Isolation { get; init; } = IsolationMode.Process;

    /// <summary>The managed heap limit of each component host process.</summary>
    public long HostMemoryBytes { get; init; } = 1L << 30;

    /// <summary>How long one oplog read may scan before it answers with what it found and where to go on.</summary>
    public TimeSpan QueryTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The memory budget for resident workers, in bytes (0 = derived from the machine).</summary>
    public long MemoryBudgetBytes { get; init; }

    /// <summary>Take a worker snapshot every this many oplog entries (0: never).</summary>
    public int SnapshotEvery { get; init; } = 1000;

    /// <summary>Also take a worker snapshot once this many bytes of oplog were written since the last one.</summary>
    public long SnapshotEveryBytes { get; init; } = 1 << 20;

    /// <summary>Size and queue limits of every worker.</summary>
    public Runtime.Execution.WorkerLimits Limits { get; init; } = new();

    /// <summary>The most workers one component may have.</summary>
    public long MaxWorkersPerComponent { get; init; } = 10_000_000;

    /// <summary>How long an API call waits for an invocation's result before answering <c>invocation-timeout</c>.</summary>
    public TimeSpan InvocationTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>The largest request body outside package uploads: room for the largest arguments as JSON or WAVE text.</summary>
    public long MaxRequestBytes => 4L * Limits.MaxArgumentBytes + (1 << 20);

    /// <summary>How the server writes its log to the console: <c>text</c> (one line each) or <c>json</c> (one object each).</summary>
    public string LogFormat { get; init; } = "text";

    /// <summary>
    /// Where spans are exported with OTLP; null leaves it to the standard <c>OTEL_EXPORTER_OTLP_ENDPOINT</c>
    /// (or <c>…_TRACES_ENDPOINT</c>) environment variables. With neither, no spans are made.
    /// </summary>
    public Uri? OtlpEndpoint { get; init; }

    /// <summary>The share of new traces recorded (0 to 1); a trace a caller already sampled is always recorded.</summary>
    public double TraceSampleRatio { get; init; } = 1.0;

    /// <summary>How many of each worker's latest completed invocations keep their idempotency key.</summary>
    public int IdempotencyKeys { get; init; } = 1024;

    /// <summary>
    /// How an invocation that failed for a transient reason is retried as a whole: its attempts (the
    /// first included) and the delay before the first retry, doubling up to a minute. Exhausted, the
    /// worker is failed until <c>clay worker resume</c>.
    /// </summary>
    public Sdk.RetryPolicy InvocationRetry { get; init; } = new Runtime.Execution.WorkerExecutorOptions().InvocationRetry;

    /// <summary>
    /// The PostgreSQL database of the cluster this node joins (<c>--cluster URL</c>, <c>cluster</c> in
    /// server.conf, <c>CLAY__CLUSTER</c>); null runs one node on embedded storage. See docs/cluster.md.
    /// </summary>
    public string? Cluster { get; init; }

    /// <summary>The port this node talks to the other nodes on (0: a free one, chosen at each start).</summary>
    public int SiloPort { get; init; }

    /// <summary>The address the other nodes reach this one at (null: the local address that routes to the database).</summary>
    public IPAddress? Advertise { get; init; }

    /// <summary>
    /// The budget in force: <see cref="MemoryBudgetBytes"/> when set, else a quarter of the memory
    /// available to the process (the machine's, or the container's limit when there is one).
    /// </summary>
    public long EffectiveMemoryBudget =>
        MemoryBudgetBytes > 0 ? MemoryBudgetBytes : Math.Max(64L << 20, GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 4);

    /// <summary>
    /// The options of a server started with <paramref name="args"/>, from every configuration source
    /// (see <see cref="ServerConfiguration"/>). Throws <c>invalid-arguments</c> naming the bad option and its source.
    /// </summary>
    public static ServerOptions Parse(IReadOnlyList<string> args) => ServerConfiguration.Load(args, AppContext.BaseDirectory);

    /// <summary><c>$CLAY_DATA_DIR</c>, else <c>~/.clay/data</c>.</summary>
    public static string DefaultDataDirectory() =>
        Environment.GetEnvironmentVariable("CLAY_DATA_DIR") is { Length: > 0 } dir
            ? Path.GetFullPath(dir)
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile, Environment.SpecialFolderOption.DoNotVerify), ".clay", "data");

    /// <summary>The largest size an option takes (an exbibyte: more than anything a machine has).</summary>
    private const double MaxSize = 1L << 60;

    /// <summary>Parses sizes such as <c>64MiB</c>, <c>1GiB</c>, <c>512KB</c> or plain bytes.</summary>
    public static long ParseSize(string text)
    {
        var units = new (string Suffix, long Factor)[]
        {
            ("KiB", 1L << 10), ("MiB", 1L << 20), ("GiB", 1L << 30), ("KB", 1000), ("MB", 1000_000), ("GB", 1000_000_000), ("B", 1),
        };
        foreach (var (suffix, factor) in units)
        {
            if (text.EndsWith(suffix, StringComparison.OrdinalIgnoreCase)
                && double.TryParse(text[..^suffix.Length], NumberStyles.Float, CultureInfo.InvariantCulture, out var n) && n > 0)
            {
                return n * factor < MaxSize ? (long)(n * factor) : throw Bad($"'{text}' is too large a size");
            }
        }
        return long.TryParse(text, CultureInfo.InvariantCulture, out var bytes) && bytes > 0
            ? bytes < MaxSize ? bytes : throw Bad($"'{text}' is too large a size")
            : throw Bad($"'{text}' is not a size: use for example 64MiB, 1GiB or a number of bytes");
    }

    /// <summary>Parses durations such as <c>30s</c>, <c>10m</c>, <c>1h</c>, or .NET's <c>00:10:00</c>.</summary>
    public static TimeSpan ParseDuration(string text) => Durations.Parse(text);

    private static ClayException Bad(string message) => new(ErrorCodes.InvalidArguments, message);
}
