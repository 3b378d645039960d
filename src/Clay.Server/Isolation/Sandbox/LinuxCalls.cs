using System.Runtime.InteropServices;

namespace Clay.Server.Isolation.Sandbox;

/// <summary>
/// The few Linux calls a component host makes about itself before component code loads (Landlock,
/// no-new-privileges, re-executing itself) and while it runs (threads' CPU clocks, the room in the
/// pipe it answers the server on). The server's
/// own code: the upload check that refuses native calls applies to component packages only.
/// </summary>
internal static class LinuxCalls
{
    public const long LandlockCreateRuleset = 444;
    public const long LandlockAddRule = 445;
    public const long LandlockRestrictSelf = 446;
    public const uint LandlockCreateRulesetVersion = 1;
    public const int LandlockRulePathBeneath = 1;
    public const int PrSetNoNewPrivs = 38;
    public const int OPath = 0x200000;
    public const int OCloexec = 0x80000;
    public const int FGetPipeSize = 1032;
    public const ulong FionRead = 0x541B;

    /// <summary>What Landlock handles, as the kernel reads it (only the file-system field is used).</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct RulesetAttr
    {
        public ulong HandledAccessFs;
    }

    /// <summary>A rule: the rights allowed beneath the directory or on the file <see cref="ParentFd"/> is open on.</summary>
    [StructLayout(LayoutKind.Sequential, Pack = 1)]
    public struct PathBeneathAttr
    {
        public ulong AllowedAccess;
        public int ParentFd;
    }

    [StructLayout(LayoutKind.Sequential)]
    public struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [DllImport("libc", EntryPoint = "syscall", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    public static extern long CreateRuleset(long number, IntPtr attr, nuint size, uint flags);

    [DllImport("libc", EntryPoint = "syscall", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    public static extern long CreateRuleset(long number, ref RulesetAttr attr, nuint size, uint flags);

    [DllImport("libc", EntryPoint = "syscall", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    public static extern long AddRule(long number, int rulesetFd, int ruleType, ref PathBeneathAttr attr, uint flags);

    [DllImport("libc", EntryPoint = "syscall", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    public static extern long RestrictSelf(long number, int rulesetFd, uint flags);

    [DllImport("libc", EntryPoint = "prctl", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    public static extern int Prctl(int option, ulong arg2, ulong arg3, ulong arg4, ulong arg5);

    [DllImport("libc", EntryPoint = "open", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    public static extern int Open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);

    [DllImport("libc", EntryPoint = "close", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    public static extern int Close(int fd);

    /// <summary>
    /// The environment for executing this program again: every variable of <paramref name="environment"/>,
    /// then <paramref name="added"/> (<c>NAME=value</c>), then the null that ends an execve environment.
    /// </summary>
    public static string?[] EnvironmentWith(System.Collections.IDictionary environment, params string[] added) =>
        [.. environment.Cast<System.Collections.DictionaryEntry>().Select(e => $"{e.Key}={e.Value}"), .. added, null];

    [DllImport("libc", EntryPoint = "execve", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    public static extern int Execve([MarshalAs(UnmanagedType.LPUTF8Str)] string path,
        [MarshalAs(UnmanagedType.LPArray, ArraySubType = UnmanagedType.LPStr)] string?[] argv,
        [MarshalAs(UnmanagedType.LPArray, ArraySubType = UnmanagedType.LPStr)] string?[] envp);

    [DllImport("libc", EntryPoint = "fcntl", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    public static extern int Fcntl(int fd, int command);

    [DllImport("libc", EntryPoint = "ioctl", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    public static extern int Ioctl(int fd, ulong request, out int value);

    [DllImport("libc", EntryPoint = "clock_gettime", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    public static extern int ClockGetTime(int clock, out TimeSpec time);

    [DllImport("libc", EntryPoint = "gettid")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    public static extern int GetTid();

    public const int RlimitData = 2;

    [StructLayout(LayoutKind.Sequential)]
    public struct Rlimit
    {
        public ulong Current;
        public ulong Maximum;
    }

    [DllImport("libc", EntryPoint = "setrlimit", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    public static extern int SetRlimit(int resource, ref Rlimit limit);

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    public static extern int Kill(int pid, int signal);
}
