using System.Runtime.InteropServices;

namespace Clay.Reliability.PowerCut;

/// <summary>The few file-system calls .NET does not offer: inode numbers and hard links (Linux).</summary>
internal static partial class Posix
{
    /// <summary>Whether <paramref name="path"/> (not following a final symbolic link) is the file <paramref name="file"/>.</summary>
    public static bool IsInode(string path, (ulong Device, ulong Inode) file) => Identity(path) == file;

    /// <summary>Whether anything, even a dangling symbolic link, is at <paramref name="path"/>.</summary>
    public static bool Exists(string path) => Identity(path) is not null;

    /// <summary>Makes <paramref name="path"/> a new name of the file at <paramref name="existing"/>.</summary>
    public static void Link(string existing, string path)
    {
        if (NativeLink(existing, path) != 0)
        {
            throw new IOException($"cannot link {existing} to {path}: error {Marshal.GetLastPInvokeError()}");
        }
    }

    /// <summary>The device and inode numbers of <paramref name="path"/>; null when nothing is there.</summary>
    public static unsafe (ulong Device, ulong Inode)? Identity(string path)
    {
        // struct stat starts with st_dev and st_ino, both 64-bit, on x86-64 and on arm64; 256 bytes hold all of it.
        var buffer = stackalloc ulong[32];
        if (NativeLstat(path, buffer) != 0) return null;
        return (buffer[0], buffer[1]);
    }

    [LibraryImport("libc", EntryPoint = "lstat", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static unsafe partial int NativeLstat(string path, ulong* buffer);

    [LibraryImport("libc", EntryPoint = "link", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int NativeLink(string existing, string path);
}
