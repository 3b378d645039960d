namespace Clay.Server.Components.Inspection;

/// <summary>
/// The APIs a component must not call, by the type and member its IL references. The same rules as
/// the SDK's analyzer, applied to the compiled package so they hold for code built without it.
/// </summary>
internal static class ForbiddenApis
{
    /// <summary>Why calling <paramref name="member"/> of <paramref name="ns"/>.<paramref name="type"/> is refused, or null when it is allowed.</summary>
    public static string? Reason(string ns, string type, string member) => (ns, type, member) switch
    {
        ("System", "Environment", "Exit" or "FailFast") => "it would end the whole server process; return an error or throw instead",
        ("System.Diagnostics", "Process" or "ProcessStartInfo", _) => "a component must not start or control operating-system processes",
        ("System.Runtime.InteropServices", "NativeLibrary", _) => "a component must not load or call native code",
        ("System.Runtime.InteropServices", "Marshal", _) => "a component must not call native code or touch native memory",
        ("System.Runtime.CompilerServices", "Unsafe", _) => "it is unsafe code: it bypasses type and memory safety",
        ("System.Reflection", "Assembly", "Load" or "LoadFrom" or "LoadFile" or "UnsafeLoadFrom" or "LoadWithPartialName") =>
            "it loads code that was not checked at upload; put every assembly in the package",
        ("System.Runtime.Loader", "AssemblyLoadContext", var m) when m == ".ctor" || m.StartsWith("Load", StringComparison.Ordinal) =>
            "it loads code that was not checked at upload; put every assembly in the package",
        ("System.Reflection.Emit", _, _) => "it generates code at run time, which escapes these checks",
        _ when ns.StartsWith("System.Reflection.Emit.", StringComparison.Ordinal) => "it generates code at run time, which escapes these checks",
        _ => null,
    };
}
