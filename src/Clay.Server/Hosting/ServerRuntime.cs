using System.Collections;
using System.Runtime.InteropServices;
using Clay.Server.Isolation.Sandbox;

namespace Clay.Server.Hosting;

/// <summary>
/// A runtime setting the server wants that only the environment can give, since the runtime reads it
/// once at start and not from <c>clay-server.runtimeconfig.json</c>: the delay before tiered
/// compilation begins counting calls (<c>DOTNET_TC_CallCountingDelayMs</c>). By default the runtime
/// counts no calls until 100 ms have passed without a method being called for the first time; a
/// server under load keeps meeting such methods for a long while after it starts, so its hot
/// precompiled methods stay unoptimized for that long (docs/benchmarks.md, "The server tiers up from its start").
/// The server sets it to 0 by executing itself again, in the same process (same pid, same open
/// files), before it starts anything; a value the user set is kept.
/// </summary>
internal static class ServerRuntime
{
    /// <summary>The runtime's variable for the delay before call counting.</summary>
    public const string CallCountingDelay = "DOTNET_TC_CallCountingDelayMs";

    /// <summary>
    /// Executes the server again with <see cref="CallCountingDelay"/> set to 0, unless the
    /// environment sets it already or this is not a Linux process started through its own executable
    /// (<c>dotnet clay-server.dll</c> is left as it is). Returns only when it did not execute again:
    /// the server then runs with the runtime's default.
    /// </summary>
    public static void Apply(string[] args)
    {
        if (!OperatingSystem.IsLinux() || Environment.ProcessPath is not { } executable) return;
        if (Reexecution(executable, args, Environment.GetEnvironmentVariables()) is not var (argv, environment)) return;
        LinuxCalls.Execve(executable, argv, environment);
        Console.Error.WriteLine($"warning: could not set {CallCountingDelay} ({Marshal.GetLastPInvokeErrorMessage()}); running with the runtime's default");
    }

    /// <summary>
    /// What to execute again with (arguments and environment, each ending with the null execve wants),
    /// or null when the server runs as it is.
    /// </summary>
    internal static (string?[] Argv, string?[] Environment)? Reexecution(string executable, string[] args, IDictionary environment)
    {
        if (environment.Contains(CallCountingDelay)) return null;
        if (!string.Equals(Path.GetFileName(executable), "clay-server", StringComparison.Ordinal)) return null;
        return ([executable, .. args, null], LinuxCalls.EnvironmentWith(environment, $"{CallCountingDelay}=0"));
    }
}
