namespace Clay.Server.Isolation;

/// <summary>
/// The environment a component host starts with: not the server's (which may hold an access token,
/// a database's URL or a cloud credential), only what the runtime, name resolution, TLS and HTTP
/// proxies need, and the host's own settings.
/// </summary>
internal static class HostEnvironment
{
    /// <summary>The runtime's switch for compiling hot methods again, optimized, after they ran a while.</summary>
    public const string TieredCompilation = "DOTNET_TieredCompilation";

    /// <summary>The runtime's switch for writing the names of the methods it compiles where <c>perf</c> reads them.</summary>
    public const string PerfMapEnabled = "DOTNET_PerfMapEnabled";

    /// <summary>
    /// How many times an idle thread-pool thread looks for work before it sleeps. A host runs its
    /// invocations on its channel's reading thread; its pool is woken only now and then (a timer, a
    /// write the reading thread could not make), and each time its threads spun through dozens of
    /// <c>sched_yield</c> calls for nothing (docs/benchmarks.md, "Component hosts' pools sleep at once").
    /// </summary>
    public const string PoolSpinLimit = "DOTNET_ThreadPool_UnfairSemaphoreSpinLimit";

    /// <summary>
    /// The directory the runtime writes its <c>perf-PID.map</c> to (<c>/tmp</c> by default). A host's
    /// sandbox lets it write only in its scratch directory, so a host profiled with the server writes
    /// its map there; <c>perf report</c> reads it once copied to <c>/tmp</c> (docs/isolation.md).
    /// </summary>
    public const string PerfMapPath = "DOTNET_PerfMapJitDumpPath";

    /// <summary>Variables passed on when the server has them.</summary>
    private static readonly string[] Kept =
    [
        "PATH", "LANG", "LANGUAGE", "TZ", "DOTNET_ROOT", "DOTNET_ROOT_X64", "DOTNET_ROOT_ARM64", "DOTNET_SYSTEM_GLOBALIZATION_INVARIANT",
        "SSL_CERT_FILE", "SSL_CERT_DIR", "HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY", "http_proxy", "https_proxy", "no_proxy",
        // Where the host exports its spans, as the server does (not the exporter's headers, which may hold credentials).
        "OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "OTEL_EXPORTER_OTLP_PROTOCOL",
        "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "OTEL_SDK_DISABLED",
        // A profile of the server (perf) names the hosts' compiled methods too (see PerfMapPath).
        PerfMapEnabled, "DOTNET_EnableWriteXorExecute",
        // How the runtime compiles, when the server is told otherwise than its defaults: hosts compile alike.
        "DOTNET_TieredPGO", TieredCompilation, "DOTNET_ReadyToRun", Hosting.ServerRuntime.CallCountingDelay,
        // How long idle pool threads spin, when the server is told: hosts spin alike.
        PoolSpinLimit,
    ];

    /// <summary>
    /// The room the runtime's diagnostic socket takes after its directory (<c>/dotnet-diagnostic-PID-KEY-socket</c>,
    /// with a 7-digit process id and a 10-digit key), within the 107 bytes a socket's path may have.
    /// </summary>
    private const int SocketNameRoom = 48;

    /// <summary>The longest path of a socket on Linux (<c>sun_path</c> less its terminating zero).</summary>
    private const int MaxSocketPath = 107;

    /// <summary>
    /// A short name for <paramref name="scratch"/> when its own path is too long for the runtime's
    /// diagnostic socket, whose name would then be cut and no diagnostic tool (<c>dotnet-trace</c>,
    /// <c>dotnet-counters</c>) would find the host: a symbolic link in the server's temporary
    /// directory (or <c>/tmp</c>), which the host takes as its <c>TMPDIR</c> (the socket is made in the scratch
    /// directory it leads to, the only one the sandbox lets the host write). Null when the path is short
    /// enough, or when no shorter one can be made; the caller deletes the link when the host has ended.
    /// </summary>
    public static string? ShortTemporaryLink(string scratch)
    {
        ArgumentNullException.ThrowIfNull(scratch);
        if (!OperatingSystem.IsLinux() || Path.GetFullPath(scratch).Length + SocketNameRoom <= MaxSocketPath) return null;
        var link = Path.Combine(LinkDirectory, LinkPrefix + Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(6)));
        if (link.Length + SocketNameRoom > MaxSocketPath) return null;
        try
        {
            File.CreateSymbolicLink(link, Path.GetFullPath(scratch));
            return link;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Then the host keeps its scratch folder as TMPDIR, as it would have.
            return null;
        }
    }

    /// <summary>
    /// Deletes the links <see cref="ShortTemporaryLink"/> made that a killed server left: those to folders
    /// under <paramref name="scratchRoot"/> (this server's, whose hosts are gone), and those whose folder
    /// is gone (a scratch folder exists before its link is made, so such a link is no host's).
    /// </summary>
    public static void DeleteStaleLinks(string scratchRoot)
    {
        ArgumentNullException.ThrowIfNull(scratchRoot);
        if (!OperatingSystem.IsLinux()) return;
        var root = Path.GetFullPath(scratchRoot).TrimEnd('/') + "/";
        try
        {
            foreach (var link in Directory.EnumerateFileSystemEntries(LinkDirectory, LinkPrefix + "*"))
            {
                if (new FileInfo(link).LinkTarget is { } target && (target.StartsWith(root, StringComparison.Ordinal) || !Directory.Exists(target)))
                {
                    File.Delete(link);
                }
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // What cannot be read or deleted stays: a dangling link in the temporary directory harms nothing.
        }
    }

    private const string LinkPrefix = "clay-host-";

    /// <summary>Where the links go: the server's temporary directory, or <c>/tmp</c> when that one's path is long too.</summary>
    private static string LinkDirectory => Path.GetTempPath().Length <= 40 ? Path.GetTempPath() : "/tmp/";

    /// <summary>
    /// Replaces <paramref name="environment"/> with the kept variables of <paramref name="from"/> and a home
    /// in <paramref name="scratch"/>; temporary files go to <paramref name="temporary"/> (the scratch
    /// directory itself, or a short link to it: see <see cref="ShortTemporaryLink"/>).
    /// </summary>
    public static void Fill(IDictionary<string, string?> environment, System.Collections.IDictionary from, string scratch, string? temporary = null)
    {
        ArgumentNullException.ThrowIfNull(environment);
        ArgumentNullException.ThrowIfNull(from);
        environment.Clear();
        foreach (System.Collections.DictionaryEntry variable in from)
        {
            var name = (string)variable.Key;
            if (Kept.Contains(name, StringComparer.Ordinal) || name.StartsWith("LC_", StringComparison.Ordinal)) environment[name] = (string?)variable.Value;
        }
        // Unless told otherwise, a host runs the precompiled code as it is instead of compiling its hot
        // methods again: every host would compile the same ones, each for itself (docs/isolation.md).
        environment.TryAdd(TieredCompilation, "0");
        // A host's pool threads sleep as soon as they find no work, instead of spinning first.
        environment.TryAdd(PoolSpinLimit, "0");
        if (environment.TryGetValue(PerfMapEnabled, out var perfMap) && perfMap is { Length: > 0 } and not "0") environment[PerfMapPath] = scratch;
        environment["HOME"] = scratch;
        environment["TMPDIR"] = temporary ?? scratch;
    }
}
