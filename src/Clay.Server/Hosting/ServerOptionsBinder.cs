using System.Globalization;
using System.Net;
using Clay.Runtime.Errors;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Clay.Server.Hosting;

/// <summary>
/// Binds the <c>Clay</c> section of the server's configuration to <see cref="ServerOptions"/>:
/// every key must be a known option and every value valid for it, or binding fails with
/// <c>invalid-arguments</c> naming the option, the source that set it and the problem.
/// </summary>
internal static class ServerOptionsBinder
{
    /// <summary>The configuration section of the server's options.</summary>
    public const string Section = "Clay";

    /// <summary>Every option (the order of the README's table).</summary>
    public static readonly IReadOnlyList<ServerOption> Options =
    [
        new("data-dir", (o, v) => o with { DataDirectory = Path.GetFullPath(v) }),
        new("port", (o, v) => o with { Port = ParsePort(v) }),
        new("listen", (o, v) => o with { Listen = IPAddress.TryParse(v, out var ip) ? ip : throw Bad($"needs an IP address, not '{v}'") }),
        new("memory-budget", (o, v) => o with { MemoryBudgetBytes = ServerOptions.ParseSize(v) }),
        new("max-idle", (o, v) => o with { MaxIdle = ServerOptions.ParseDuration(v) }),
        new("snapshot-every", (o, v) => o with { SnapshotEvery = ParseCount(v) }),
        new("snapshot-every-bytes", (o, v) => o with { SnapshotEveryBytes = ServerOptions.ParseSize(v) }),
        new("idempotency-keys", (o, v) => o with { IdempotencyKeys = ParseCount(v) }),
        new("max-argument-size", (o, v) => o with { Limits = o.Limits with { MaxArgumentBytes = ParseIntSize(v) } }),
        new("max-result-size", (o, v) => o with { Limits = o.Limits with { MaxResultBytes = ParseIntSize(v) } }),
        new("max-entry-size", (o, v) => o with { Limits = o.Limits with { MaxEntryBytes = ParseIntSize(v) } }),
        new("max-pending", (o, v) => o with { Limits = o.Limits with { MaxPendingInvocations = Math.Max(1, ParseCount(v)) } }),
        new("max-workers", (o, v) => o with { MaxWorkersPerComponent = Math.Max(1, ParseCount(v)) }),
        new("invocation-timeout", (o, v) => o with { InvocationTimeout = ServerOptions.ParseDuration(v) }),
        new("retry-attempts", (o, v) => o with { InvocationRetry = o.InvocationRetry with { MaxAttempts = ParseAttempts(v) } }),
        new("retry-delay", (o, v) => o with { InvocationRetry = RetryDelay(o.InvocationRetry, ServerOptions.ParseDuration(v)) }),
        new("max-package-size", (o, v) => o with { Packages = o.Packages with { MaxPackageBytes = ServerOptions.ParseSize(v) } }),
        new("max-unpacked-size", (o, v) => o with { Packages = o.Packages with { MaxUnpackedBytes = ServerOptions.ParseSize(v) } }),
        new("max-package-entry-size", (o, v) => o with { Packages = o.Packages with { MaxEntryBytes = ServerOptions.ParseSize(v) } }),
        new("max-package-entries", (o, v) => o with { Packages = o.Packages with { MaxEntries = Math.Max(2, ParseCount(v)) } }),
        new("max-manifest-size", (o, v) => o with { Packages = o.Packages with { MaxManifestBytes = ServerOptions.ParseSize(v) } }),
        new("max-concurrent-uploads", (o, v) => o with { Packages = o.Packages with { MaxConcurrentUploads = Math.Max(1, ParseCount(v)) } }),
        new("isolation", (o, v) => o with { Isolation = v switch
        {
            "process" => Isolation.IsolationMode.Process,
            "none" => Isolation.IsolationMode.None,
            _ => throw Bad($"must be 'process' (component code in supervised host processes) or 'none' (in the server's process, for trusted code), not '{v}'"),
        } }),
        new("host-memory", (o, v) => o with { HostMemoryBytes = ServerOptions.ParseSize(v) is var b and >= 32L << 20 ? b : throw Bad($"must be at least 32MiB, not '{v}'") }),
        new("shutdown-timeout", (o, v) => o with { ShutdownTimeout = ServerOptions.ParseDuration(v) }),
        new("query-timeout", (o, v) => o with { QueryTimeout = ServerOptions.ParseDuration(v) }),
        new("cluster", (o, v) => o with { Cluster = Storage.Postgres.PostgresConnectionString.Parse(v) is not null ? v : null }),
        new("silo-port", (o, v) => o with { SiloPort = ParsePort(v) }),
        new("advertise", (o, v) => o with { Advertise = IPAddress.TryParse(v, out var ip) ? ip : throw Bad($"needs an IP address, not '{v}'") }),
        new("log-format", (o, v) => o with { LogFormat = v is "text" or "json" ? v : throw Bad($"is text or json, not '{v}'") }),
        new("otlp-endpoint", (o, v) => o with { OtlpEndpoint = ParseEndpoint(v) }),
        new("trace-sample-ratio", (o, v) => o with { TraceSampleRatio = ParseRatio(v) }),
    ];

    /// <summary>The option of a configuration key (<c>MemoryBudget</c>, any case), or null.</summary>
    public static ServerOption? ByKey(string key) => Options.FirstOrDefault(o => o.Key.Equals(key, StringComparison.OrdinalIgnoreCase));

    /// <summary>The option of a kebab-case name (<c>memory-budget</c>), or null.</summary>
    public static ServerOption? ByName(string name) => Options.FirstOrDefault(o => o.Name == name);

    /// <summary>Binds and validates; <paramref name="origin"/> tells, for an error, which source set a key and how it spells it.</summary>
    public static ServerOptions Bind(IConfiguration configuration, Func<ServerOption?, string, string> origin)
    {
        var options = new ServerOptions();
        foreach (var entry in configuration.GetSection(Section).GetChildren())
        {
            var option = ByKey(entry.Key);
            if (option is null)
            {
                var hint = ByName(entry.Key) is { } dashed ? $"; write it {dashed.Key}" : $"; the options are {string.Join(", ", Options.Select(o => o.Key))}";
                throw Bad($"unknown option {origin(null, entry.Key)}{hint}");
            }
            if (entry.Value is null) throw Bad($"{origin(option, entry.Key)} takes a value, not a section");
            if (entry.Value.Trim().Length == 0) throw Bad($"{origin(option, entry.Key)} needs a value");
            try
            {
                options = option.Apply(options, entry.Value.Trim());
            }
            catch (ClayException ex) when (ex.Code == ErrorCodes.InvalidArguments)
            {
                throw Bad($"{origin(option, entry.Key)}: {ex.Message}");
            }
        }
        var validation = new ServerOptionsValidator().Validate(Microsoft.Extensions.Options.Options.DefaultName, options);
        if (validation.Failed) throw Bad(validation.FailureMessage);
        return options;
    }

    private static int ParseIntSize(string text)
    {
        var bytes = ServerOptions.ParseSize(text);
        return bytes is >= 1024 and <= 1L << 30 ? (int)bytes : throw Bad($"must be between 1KiB and 1GiB, not '{text}'");
    }

    private static Uri ParseEndpoint(string text) =>
        Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
            ? uri
            : throw Bad($"needs an http:// or https:// URL such as http://localhost:4317, not '{text}'");

    private static double ParseRatio(string text) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var ratio) && ratio is >= 0 and <= 1
            ? ratio
            : throw Bad($"is a share between 0 and 1 (0.01 records one trace in a hundred), not '{text}'");

    private static int ParseCount(string text) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : throw Bad($"takes a whole number, not '{text}'");

    private static int ParseAttempts(string text) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n is >= 1 and <= 1000
            ? n
            : throw Bad($"takes a number of attempts from 1 to 1000, not '{text}'");

    /// <summary>The policy with its first retry after <paramref name="delay"/>; the longest delay stays at least as long.</summary>
    private static Sdk.RetryPolicy RetryDelay(Sdk.RetryPolicy policy, TimeSpan delay) =>
        policy with { InitialDelay = delay, MaxDelay = delay > policy.MaxDelay ? delay : policy.MaxDelay };

    private static int ParsePort(string text) =>
        int.TryParse(text, CultureInfo.InvariantCulture, out var port) && port is >= 0 and <= 65535 ? port : throw Bad($"'{text}' is not a port number");

    private static ClayException Bad(string message) => new(ErrorCodes.InvalidArguments, message);
}
