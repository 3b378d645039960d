using System.Runtime.InteropServices;

namespace Clay.Server.Isolation.Sandbox;

/// <summary>
/// Puts a component host in its file-system sandbox before any component code loads. Landlock
/// restricts only the thread that asks and what it executes next, and the runtime has started
/// threads of its own by then; so the host's first thread restricts itself and executes the host
/// again: the new image, all its threads with it, starts inside the sandbox (marked by
/// <see cref="Marker"/>). What it may touch: read the .NET runtime, clay-server's own files, its
/// component's unpacked versions and the few system files the runtime and TLS read; read and write
/// its scratch directory. Nothing else — not the data directory's database, access token or other
/// components, not /etc/passwd, not the user's home.
/// </summary>
internal static class HostSandbox
{
    /// <summary>Set in the environment of the host image that runs inside the sandbox.</summary>
    public const string Marker = "CLAY_HOST_SANDBOXED";

    /// <summary>
    /// Enters the sandbox when <paramref name="settings"/> ask for it: returns when this image runs
    /// inside it; otherwise restricts this thread and executes the host again (never returns).
    /// </summary>
    /// <exception cref="InvalidOperationException">The sandbox could not be entered (the host must not run without it).</exception>
    public static void Enter(HostSettings settings)
    {
        if (!settings.Sandbox || Environment.GetEnvironmentVariable(Marker) == "1") return;
        LeaveDiagnosticEndpoints();
        Landlock.Restrict(Rules(settings));
        var executable = Environment.ProcessPath ?? throw new InvalidOperationException("the host's executable is unknown");
        var environment = LinuxCalls.EnvironmentWith(Environment.GetEnvironmentVariables(), $"{Marker}=1");
        LinuxCalls.Execve(executable, [executable, ComponentHostMain.Command, null], environment);
        throw new InvalidOperationException($"execve {executable} failed: {Marshal.GetLastPInvokeErrorMessage()}");
    }

    /// <summary>
    /// Deletes the diagnostic socket and debugger pipes this image's runtime made in the temporary
    /// directory. The image that replaces it has the same process id and start time, so the same names:
    /// it could not make its own while these were there, and diagnostic tools would find a socket that
    /// no one listens on.
    /// </summary>
    private static void LeaveDiagnosticEndpoints()
    {
        var pid = Environment.ProcessId;
        try
        {
            foreach (var pattern in new[] { $"dotnet-diagnostic-{pid}-*", $"clr-debug-pipe-{pid}-*" })
            {
                foreach (var path in Directory.EnumerateFileSystemEntries(Path.GetTempPath(), pattern)) File.Delete(path);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Then the new image goes without them, as it would have.
        }
    }

    /// <summary>
    /// Caps the host's data segment (<c>RLIMIT_DATA</c>: its private writable memory — the managed heap,
    /// native allocations, thread stacks — not the address space the runtime reserves and never uses)
    /// at <see cref="HostSettings.DataLimitBytes"/>: past it an allocation fails, in native code as in
    /// the runtime, instead of taking the machine's memory.
    /// </summary>
    /// <exception cref="InvalidOperationException">The limit could not be set.</exception>
    public static void LimitMemory(HostSettings settings)
    {
        if (settings.DataLimitBytes <= 0 || !OperatingSystem.IsLinux()) return;
        var limit = new LinuxCalls.Rlimit { Current = (ulong)settings.DataLimitBytes, Maximum = (ulong)settings.DataLimitBytes };
        if (LinuxCalls.SetRlimit(LinuxCalls.RlimitData, ref limit) != 0)
        {
            throw new InvalidOperationException($"setrlimit(RLIMIT_DATA) failed: {Marshal.GetLastPInvokeErrorMessage()}");
        }
    }

    /// <summary>What a host of <paramref name="settings"/> may touch.</summary>
    public static IEnumerable<SandboxRule> Rules(HostSettings settings)
    {
        // The runtime: dotnet's root holds the host resolver and every shared framework (ASP.NET Core's too).
        var runtime = Path.GetFullPath(RuntimeEnvironment.GetRuntimeDirectory());
        yield return new(Path.GetFullPath(Path.Combine(runtime, "..", "..", "..")));
        if (Environment.GetEnvironmentVariable("DOTNET_ROOT") is { Length: > 0 } root) yield return new(root);
        yield return new(AppContext.BaseDirectory);
        yield return new(settings.ComponentDirectory);
        yield return new(settings.ScratchDirectory, Writable: true);
        // System libraries (libc, ICU, OpenSSL), time zones and CA certificates: files every user may read.
        foreach (var path in new[] { "/usr", "/lib", "/lib64", "/lib32" }) yield return new(path);
        foreach (var path in SystemFiles) yield return new(path);
        yield return new("/dev/null", Writable: true);
        // The runtime reads its own limits and the machine's (memory, processors, cgroups).
        yield return new($"/proc/{Environment.ProcessId}");
        foreach (var path in new[] { "/proc/meminfo", "/proc/stat", "/proc/cpuinfo", "/sys/fs/cgroup", "/sys/devices/system/cpu", "/sys/devices/system/node" })
        {
            yield return new(path);
        }
    }

    /// <summary>The files of /etc (and devices) the runtime, name resolution and TLS read; /etc as a whole is not readable.</summary>
    private static readonly string[] SystemFiles =
    [
        "/etc/ld.so.cache", "/etc/localtime", "/etc/timezone", "/etc/ssl", "/etc/pki", "/etc/ca-certificates", "/etc/dotnet",
        "/etc/resolv.conf", "/etc/hosts", "/etc/nsswitch.conf", "/etc/gai.conf", "/etc/host.conf", "/etc/services", "/etc/protocols",
        "/etc/os-release", "/dev/urandom", "/dev/random",
    ];
}
