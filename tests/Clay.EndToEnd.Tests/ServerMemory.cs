namespace Clay.EndToEnd.Tests;

/// <summary>A process's memory as the kernel counts it (<c>/proc/PID/status</c>).</summary>
public static class ServerMemory
{
    /// <summary>Resident memory now (VmRSS), in bytes.</summary>
    public static long Resident(int pid) => Read(pid, "VmRSS:");

    /// <summary>The highest resident memory since the process started (VmHWM), in bytes.</summary>
    public static long Peak(int pid) => Read(pid, "VmHWM:");

    private static long Read(int pid, string field)
    {
        var line = File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith(field, StringComparison.Ordinal));
        return long.Parse(line[field.Length..].Trim().Split(' ')[0]) * 1024; // kB
    }
}
