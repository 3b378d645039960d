using System.Globalization;
using System.Net;
using Clay.Runtime.Errors;

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

    /// <summary>True when requests need the access token: the server listens beyond loopback.</summary>
    public bool RequiresToken => !IPAddress.IsLoopback(Listen);

    /// <summary>How long an idle worker stays in memory.</summary>
    public TimeSpan MaxIdle { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>The largest component package accepted.</summary>
    public long MaxPackageBytes { get; init; } = 64L * 1024 * 1024;

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

    /// <summary>How many of each worker's latest completed invocations keep their idempotency key.</summary>
    public int IdempotencyKeys { get; init; } = 1024;

    /// <summary>
    /// The PostgreSQL database of the cluster this node joins (<c>--cluster URL</c>, else
    /// <c>$CLAY_CLUSTER</c>); null runs one node on embedded storage. See docs/cluster.md.
    /// </summary>
    public string? Cluster { get; init; } = Environment.GetEnvironmentVariable("CLAY_CLUSTER") is { Length: > 0 } url ? url : null;

    /// <summary>The port the node talks to the other nodes on (0: a free one, chosen at each start).</summary>
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
    /// Parses the command line after the configuration file: <c>--config FILE</c>, else
    /// <c>~/.clay/server.conf</c> when it exists. The file holds the same options, one per line
    /// without the dashes (<c>memory-budget 64MiB</c>), <c>#</c> starts a comment; the command line
    /// wins. Throws <c>invalid-arguments</c> naming the bad option.
    /// </summary>
    public static ServerOptions Parse(IReadOnlyList<string> args)
    {
        var at = args.ToList().IndexOf("--config");
        var commandLine = args.ToList();
        string? file = null;
        if (at >= 0)
        {
            if (at + 1 >= args.Count) throw Bad("option --config needs a value");
            file = Path.GetFullPath(args[at + 1]);
            if (!File.Exists(file)) throw Bad($"the configuration file {file} does not exist");
            commandLine.RemoveRange(at, 2);
        }
        else if (File.Exists(DefaultConfigFile))
        {
            file = DefaultConfigFile;
        }
        return ParseArguments(file is null ? commandLine : [.. ReadConfig(file), .. commandLine]);
    }

    /// <summary>The configuration file read when no <c>--config</c> is given.</summary>
    public static string DefaultConfigFile =>
        Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".clay", "server.conf");

    private static IEnumerable<string> ReadConfig(string file)
    {
        var lineNumber = 0;
        foreach (var raw in File.ReadAllLines(file))
        {
            lineNumber++;
            var line = raw.Split('#')[0].Trim();
            if (line.Length == 0) continue;
            var parts = line.Split((char[]?)null, 2, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (parts.Length != 2) throw Bad($"{file}:{lineNumber}: expected 'option value', for example 'memory-budget 64MiB'");
            yield return "--" + parts[0].TrimStart('-');
            yield return parts[1];
        }
    }

    /// <summary>Every option: its name without the dashes, and how it sets its value.</summary>
    private static readonly (string Name, Func<ServerOptions, string, ServerOptions> Set)[] Options =
    [
        ("data-dir", (o, v) => o with { DataDirectory = Path.GetFullPath(v) }),
        ("port", (o, v) => o with { Port = ParsePort(v) }),
        ("listen", (o, v) => o with { Listen = IPAddress.TryParse(v, out var ip) ? ip : throw Bad($"--listen needs an IP address, not '{v}'") }),
        ("max-idle", (o, v) => o with { MaxIdle = ParseDuration(v) }),
        ("max-package-size", (o, v) => o with { MaxPackageBytes = ParseSize(v) }),
        ("memory-budget", (o, v) => o with { MemoryBudgetBytes = ParseSize(v) }),
        ("snapshot-every", (o, v) => o with { SnapshotEvery = ParseCount("--snapshot-every", v) }),
        ("snapshot-every-bytes", (o, v) => o with { SnapshotEveryBytes = ParseSize(v) }),
        ("idempotency-keys", (o, v) => o with { IdempotencyKeys = ParseCount("--idempotency-keys", v) }),
        ("max-argument-size", (o, v) => o with { Limits = o.Limits with { MaxArgumentBytes = ParseIntSize("--max-argument-size", v) } }),
        ("max-result-size", (o, v) => o with { Limits = o.Limits with { MaxResultBytes = ParseIntSize("--max-result-size", v) } }),
        ("max-entry-size", (o, v) => o with { Limits = o.Limits with { MaxEntryBytes = ParseIntSize("--max-entry-size", v) } }),
        ("max-pending", (o, v) => o with { Limits = o.Limits with { MaxPendingInvocations = Math.Max(1, ParseCount("--max-pending", v)) } }),
        ("max-workers", (o, v) => o with { MaxWorkersPerComponent = Math.Max(1, ParseCount("--max-workers", v)) }),
        ("invocation-timeout", (o, v) => o with { InvocationTimeout = ParseDuration(v) }),
        ("cluster", (o, v) => o with { Cluster = v.Length > 0 ? v : throw Bad("--cluster needs a PostgreSQL URL such as postgres://USER@HOST:5432/DB") }),
        ("silo-port", (o, v) => o with { SiloPort = ParsePort(v) }),
        ("advertise", (o, v) => o with { Advertise = IPAddress.TryParse(v, out var ip) ? ip : throw Bad($"--advertise needs an IP address, not '{v}'") }),
    ];

    private static int ParseIntSize(string name, string text)
    {
        var bytes = ParseSize(text);
        return bytes is >= 1024 and <= 1L << 30 ? (int)bytes : throw Bad($"{name} must be between 1KiB and 1GiB, not '{text}'");
    }

    private static ServerOptions ParseArguments(IReadOnlyList<string> args)
    {
        var options = new ServerOptions();
        for (var i = 0; i < args.Count; i++)
        {
            var name = args[i];
            var option = Array.Find(Options, o => "--" + o.Name == name);
            if (option.Set is null)
            {
                throw Bad($"unknown option '{name}'; options: {string.Join(", ", Options.Select(o => "--" + o.Name))}");
            }
            if (i + 1 >= args.Count) throw Bad($"option {name} needs a value");
            options = option.Set(options, args[++i]);
        }
        if (options.Limits.MaxEntryBytes < Math.Max(options.Limits.MaxArgumentBytes, options.Limits.MaxResultBytes) + 4096)
        {
            throw Bad("--max-entry-size must exceed --max-argument-size and --max-result-size by at least 4KiB (the entry holds them)");
        }
        return options;
    }

    private static int ParseCount(string name, string text) =>
        int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n)
            ? n
            : throw new Runtime.Errors.ClayException(Runtime.Errors.ErrorCodes.InvalidArguments, $"{name} takes a whole number, not '{text}'");

    /// <summary><c>$CLAY_DATA_DIR</c>, else <c>~/.clay/data</c>.</summary>
    public static string DefaultDataDirectory() =>
        Environment.GetEnvironmentVariable("CLAY_DATA_DIR") is { Length: > 0 } dir
            ? Path.GetFullPath(dir)
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".clay", "data");

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
                return (long)(n * factor);
            }
        }
        return long.TryParse(text, CultureInfo.InvariantCulture, out var bytes) && bytes > 0
            ? bytes
            : throw Bad($"'{text}' is not a size: use for example 64MiB, 1GiB or a number of bytes");
    }

    /// <summary>Parses durations such as <c>30s</c>, <c>10m</c>, <c>1h</c>.</summary>
    public static TimeSpan ParseDuration(string text)
    {
        if (text.Length > 1 && double.TryParse(text[..^1], NumberStyles.Float, CultureInfo.InvariantCulture, out var n) && n > 0)
        {
            switch (text[^1])
            {
                case 's': return TimeSpan.FromSeconds(n);
                case 'm': return TimeSpan.FromMinutes(n);
                case 'h': return TimeSpan.FromHours(n);
            }
        }
        throw Bad($"'{text}' is not a duration: use for example 30s, 10m or 1h");
    }

    private static int ParsePort(string text) =>
        int.TryParse(text, CultureInfo.InvariantCulture, out var port) && port is >= 0 and <= 65535
            ? port
            : throw Bad($"'{text}' is not a port number");

    private static ClayException Bad(string message) => new(ErrorCodes.InvalidArguments, message);
}
