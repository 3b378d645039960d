using Clay.Server.Isolation.Sandbox;

namespace Clay.Server.Isolation;

/// <summary>
/// How many bytes a pipe takes now without blocking its writer: its capacity less what its reader has
/// not read yet. A component host asks it of the pipe it answers the server on, so that its channel's
/// reading thread can write an answer itself when it fits (see <c>HostChannel</c>).
/// </summary>
internal static class PipeRoom
{
    /// <summary>The room in the pipe open as <paramref name="fd"/>, or null when it is not a pipe (or the kernel will not say).</summary>
    public static Func<long>? Of(int fd)
    {
        if (!OperatingSystem.IsLinux()) return null;
        var capacity = LinuxCalls.Fcntl(fd, LinuxCalls.FGetPipeSize);
        if (capacity <= 0) return null;
        // A failed question answers no room: the write then goes to the thread pool, as it would without this.
        return () => LinuxCalls.Ioctl(fd, LinuxCalls.FionRead, out var unread) == 0 ? Math.Max(0, capacity - unread) : 0;
    }
}
