using System.Net;
using System.Net.Sockets;

namespace Clay.EndToEnd.Tests;

/// <summary>Processes by parenthood, read from /proc: never by name.</summary>
public static class ProcessTree
{
    /// <summary><paramref name="pid"/> and every process below it.</summary>
    public static IReadOnlyList<int> Of(int pid)
    {
        var parents = new Dictionary<int, int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var p)) continue;
            try
            {
                // stat: "PID (comm) STATE PPID …"; comm may hold spaces and parentheses, so read after the last ')'.
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                parents[p] = int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1]);
            }
            catch (IOException)
            {
                // Gone meanwhile.
            }
        }
        var tree = new List<int> { pid };
        for (var i = 0; i < tree.Count; i++) tree.AddRange(parents.Where(p => p.Value == tree[i]).Select(p => p.Key));
        return tree;
    }

    /// <summary>True while the process exists and is not a zombie.</summary>
    public static bool IsAlive(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[stat.LastIndexOf(')') + 2] != 'Z';
        }
        catch (IOException)
        {
            return false;
        }
    }

    /// <summary>The executable a process runs.</summary>
    public static string? Executable(int pid)
    {
        try
        {
            return new FileInfo($"/proc/{pid}/exe").LinkTarget;
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>Waits (bounded) until none of <paramref name="pids"/> is alive; returns those still alive.</summary>
    public static async Task<IReadOnlyList<int>> WaitGoneAsync(IEnumerable<int> pids, TimeSpan bound)
    {
        var deadline = DateTime.UtcNow + bound;
        List<int> alive;
        while ((alive = pids.Where(IsAlive).ToList()).Count > 0 && DateTime.UtcNow < deadline) await Task.Yield();
        return alive;
    }

    /// <summary>True when nothing listens on <paramref name="port"/> on loopback: it can be listened on again.</summary>
    public static bool PortIsFree(int port)
    {
        var probe = new TcpListener(IPAddress.Loopback, port);
        try
        {
            probe.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
        finally
        {
            probe.Stop();
        }
    }
}
