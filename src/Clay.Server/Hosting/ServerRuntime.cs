using System.Collections;
using System.Runtime.InteropServices;
using Clay.Server.Isolation.Sandbox;

namespace Clay.Server.Hosting;

/// <summary>
/// Runtime settings the server wants that only the environment can give, since the runtime reads them
/// once at start and not from <c>clay-server.runtimeconfig.json</c>:
/// <list type="bullet">
/// <item>the delay before tiered compilation begins counting calls (<c>DOTNET_TC_CallCountingDelayMs</c>), 0.
/// By default the runtime counts no calls until 100 ms have passed without a method being called for the
/// first time; a server under load keeps meeting such methods for a long while after it starts, so its
/// hot precompiled methods stay unoptimized for that long (docs/benchmarks.md, "The server tiers up from its start");</item>
/// <item>the smallest budget of the youngest generation (<c>DOTNET_GCgen0size</c>), 2 MiB. By default it
/// follows the size of the processor's last-level cache (tens of MiB on a server's processor): each
/// young collection then has more to trace and the calls it holds up wait longer; the server's calls
/// leave little alive behind them (docs/benchmarks.md, "A smaller youngest generation").</item>
/// </list>
/// The server sets them by executing itself again, in the same process (same pid, same open files),
/// before it starts anything; a value the user set is kept.
/// </summary>
internal static class ServerRuntime
{
    /// <summary>The runtime's variable for the delay before call counting.</summary>
    public const string CallCountingDelay = "DOTNET_TC_CallCountingDelayMs";

    /// <summary>The runtime's variable for the smallest budget of the youngest generation (bytes, in hexadecimal).</summary>
    public const string Gen0Size = "DOTNET_GCgen0size";

    /// <summary>The settings and the values the server wants unless the user set them.</summary>
    internal static readonly (string Name, string Value)[] Wanted = [(CallCountingDelay, "0"), (Gen0Size, "0x200000")];

    /// <summary>
    /// Executes the server again with the <see cref="Wanted"/> settings the environment lacks, unless it
    /// has them all or this is not a Linux process started through its own executable
    /// (<c>dotnet clay-server.dll</c> is left as it is). Returns only when it did not execute again:
    /// the server then runs with the runtime's defaults for what it lacks.
    /// </summary>
    public static void Apply(string[] args)
    {
        if (!OperatingSystem.IsLinux() || Environment.ProcessPath is not { } executable) return;
        if (Reexecution(executable, args, Environment.GetEnvironmentVariables()) is not var (argv, environment)) return;
        ReleaseDiagnosticSocket(Path.GetTempPath(), Environment.ProcessId);
        LinuxCalls.Execve(executable, argv, environment);
        Console.Error.WriteLine($"warning: could not set {string.Join(", ", Wanted.Select(w => w.Name))} ({Marshal.GetLastPInvokeErrorMessage()}); running with the runtime's defaults");
    }

    /// <summary>
    /// Removes the runtime's diagnostic socket of process <paramref name="pid"/>
    /// (<c>dotnet-diagnostic-PID-KEY-socket</c> in <paramref name="directory"/>) before it executes itself
    /// again. Its name stays the same across execve (the key is the process's start time), so the runtime
    /// that starts next could not listen on it, and <c>dotnet-trace</c>, <c>dotnet-counters</c> or
    /// <c>dotnet-dump</c> would find a socket nobody answers on. Removed, the next runtime makes it anew.
    /// </summary>
    internal static void ReleaseDiagnosticSocket(string directory, int pid)
    {
        try
        {
            foreach (var socket in Directory.EnumerateFiles(directory, $"dotnet-diagnostic-{pid}-*-socket")) File.Delete(socket);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Diagnostics tools then cannot attach; the server runs as well.
        }
    }

    /// <summary>
    /// What to execute again with (arguments and environment, each ending with the null execve wants),
    /// or null when the server runs as it is.
    /// </summary>
    internal static (string?[] Argv, string?[] Environment)? Reexecution(string executable, string[] args, IDictionary environment)
    {
        string[] missing = [.. Wanted.Where(w => !environment.Contains(w.Name)).Select(w => $"{w.Name}={w.Value}")];
        if (missing.Length == 0) return null;
        if (!string.Equals(Path.GetFileName(executable), "clay-server", StringComparison.Ordinal)) return null;
        return ([executable, .. args, null], LinuxCalls.EnvironmentWith(environment, missing));
    }
}
