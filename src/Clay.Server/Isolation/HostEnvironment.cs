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

    /// <summary>Variables passed on when the server has them.</summary>
    private static readonly string[] Kept =
    [
        "PATH", "LANG", "LANGUAGE", "TZ", "DOTNET_ROOT", "DOTNET_ROOT_X64", "DOTNET_ROOT_ARM64", "DOTNET_SYSTEM_GLOBALIZATION_INVARIANT",
        "SSL_CERT_FILE", "SSL_CERT_DIR", "HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY", "http_proxy", "https_proxy", "no_proxy",
        // Where the host exports its spans, as the server does (not the exporter's headers, which may hold credentials).
        "OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "OTEL_EXPORTER_OTLP_PROTOCOL",
        "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "OTEL_SDK_DISABLED",
        // A profile of the server (perf) names the hosts' compiled methods too.
        "DOTNET_PerfMapEnabled", "DOTNET_EnableWriteXorExecute",
        // How the runtime compiles, when the server is told otherwise than its defaults: hosts compile alike.
        "DOTNET_TieredPGO", TieredCompilation, "DOTNET_ReadyToRun", Hosting.ServerRuntime.CallCountingDelay,
    ];

    /// <summary>Replaces <paramref name="environment"/> with the kept variables of <paramref name="from"/> and a home in <paramref name="scratch"/>.</summary>
    public static void Fill(IDictionary<string, string?> environment, System.Collections.IDictionary from, string scratch)
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
        environment["HOME"] = scratch;
        environment["TMPDIR"] = scratch;
    }
}
