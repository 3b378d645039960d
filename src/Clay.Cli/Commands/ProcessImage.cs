using System.Runtime.InteropServices;

namespace Clay.Cli.Commands;

/// <summary>
/// Replaces the running process with another program (<c>execv</c>), keeping its process id, its
/// standard streams and its environment. <c>clay server run</c> becomes <c>clay-server</c> this way,
/// so a signal sent to it (SIGTERM from a supervisor, SIGINT from a terminal, even SIGKILL) reaches
/// the server itself, and no server is left behind when the process that started it dies.
/// </summary>
internal static class ProcessImage
{
    private const int SigSetMask = 2; // Linux's SIG_SETMASK

    /// <summary>True where the process image can be replaced (Linux, macOS).</summary>
    public static bool IsSupported => OperatingSystem.IsLinux() || OperatingSystem.IsMacOS();

    /// <summary>Runs <paramref name="path"/> with <paramref name="arguments"/> in place of this process; returns only on failure, with the reason.</summary>
    public static string Replace(string path, IReadOnlyList<string> arguments)
    {
        var strings = new List<nint>();
        try
        {
            strings.Add(Marshal.StringToCoTaskMemUTF8(path));
            foreach (var argument in arguments) strings.Add(Marshal.StringToCoTaskMemUTF8(argument));
            var argv = strings.Append(0).ToArray();
            // The new program inherits this thread's signal mask: unblock everything, so it hears SIGTERM.
            if (OperatingSystem.IsLinux()) _ = SetSignalMask(SigSetMask, new byte[128], 0);
            ExecV(strings[0], argv);
            return Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError());
        }
        finally
        {
            foreach (var s in strings) Marshal.FreeCoTaskMem(s);
        }
    }

    [DllImport("libc", EntryPoint = "execv", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int ExecV(nint path, nint[] argv);

    [DllImport("libc", EntryPoint = "sigprocmask", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int SetSignalMask(int how, byte[] set, nint oldSet);
}
