using System.Runtime.InteropServices;
using static Clay.Server.Isolation.Sandbox.LinuxCalls;

namespace Clay.Server.Isolation.Sandbox;

/// <summary>
/// Linux Landlock for the file system: a process gives up every file access but the ones its rules
/// allow, for itself and whatever it runs after, for good. No privilege is needed (only
/// no-new-privileges). The rights handled are all those the kernel's Landlock version knows.
/// </summary>
internal static class Landlock
{
    // The access rights (include/uapi/linux/landlock.h).
    private const ulong Execute = 1 << 0;
    private const ulong WriteFile = 1 << 1;
    private const ulong ReadFile = 1 << 2;
    private const ulong ReadDir = 1 << 3;
    private const ulong Truncate = 1 << 14;

    /// <summary>The rights that apply to a file (the others apply to directories only).</summary>
    private const ulong FileRights = Execute | WriteFile | ReadFile | Truncate | (1 << 15);

    /// <summary>The Landlock version of this kernel, or 0 when it has none (or it is turned off, or this is not Linux).</summary>
    public static int Version()
    {
        if (!OperatingSystem.IsLinux()) return 0;
        try
        {
            var version = CreateRuleset(LandlockCreateRuleset, IntPtr.Zero, 0, LandlockCreateRulesetVersion);
            return version > 0 ? (int)version : 0;
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            return 0;
        }
    }

    /// <summary>
    /// Restricts the calling thread (and what it executes next) to <paramref name="rules"/>: read-only
    /// (read, list, execute) or read-write beneath each path; paths that do not exist are skipped.
    /// </summary>
    /// <exception cref="InvalidOperationException">Landlock refused: the message names the call and the error.</exception>
    public static void Restrict(IEnumerable<SandboxRule> rules)
    {
        var version = Version();
        if (version == 0) throw new InvalidOperationException("this kernel has no Landlock");
        // Version 1 knows 13 rights; 2 adds refer, 3 truncate, 5 ioctl on devices.
        var handled = (1UL << version switch { 1 => 13, 2 => 14, 3 or 4 => 15, _ => 16 }) - 1;
        var attr = new RulesetAttr { HandledAccessFs = handled };
        var ruleset = (int)CreateRuleset(LandlockCreateRuleset, ref attr, (nuint)Marshal.SizeOf<RulesetAttr>(), 0);
        if (ruleset < 0) throw Failed("landlock_create_ruleset");
        try
        {
            foreach (var rule in rules)
            {
                var isDirectory = Directory.Exists(rule.Path);
                if (!isDirectory && !File.Exists(rule.Path)) continue;
                var allowed = rule.Writable ? handled : Execute | ReadFile | ReadDir;
                if (!isDirectory) allowed &= FileRights;
                var fd = Open(rule.Path, OPath | OCloexec);
                if (fd < 0) throw Failed($"open {rule.Path}");
                try
                {
                    var beneath = new PathBeneathAttr { AllowedAccess = allowed & handled, ParentFd = fd };
                    if (AddRule(LandlockAddRule, ruleset, LandlockRulePathBeneath, ref beneath, 0) < 0) throw Failed($"landlock_add_rule {rule.Path}");
                }
                finally
                {
                    Close(fd);
                }
            }
            if (Prctl(PrSetNoNewPrivs, 1, 0, 0, 0) < 0) throw Failed("prctl(PR_SET_NO_NEW_PRIVS)");
            if (RestrictSelf(LandlockRestrictSelf, ruleset, 0) < 0) throw Failed("landlock_restrict_self");
        }
        finally
        {
            Close(ruleset);
        }
    }

    private static InvalidOperationException Failed(string call) =>
        new($"{call} failed: {Marshal.GetLastPInvokeErrorMessage()} (errno {Marshal.GetLastPInvokeError()})");
}
