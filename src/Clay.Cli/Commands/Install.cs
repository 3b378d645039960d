namespace Clay.Cli.Commands;

/// <summary>
/// Where this clay is installed: clay-server sits next to it, and <c>packages/</c> holds Clay's
/// NuGet packages (Clay.Sdk and the other libraries), the feed applications restore Clay.Sdk from.
/// The layout is the same in the .NET tool package and in a checkout's <c>artifacts/bin</c>.
/// </summary>
public static class Install
{
    /// <summary>The directory of the clay executable.</summary>
    /// <remarks><c>CLAY_INSTALL_DIR</c> overrides it (for running clay from somewhere else than its install).</remarks>
    public static string Directory { get; } = Path.TrimEndingDirectorySeparator(
        Environment.GetEnvironmentVariable("CLAY_INSTALL_DIR") is { Length: > 0 } dir ? Path.GetFullPath(dir) : AppContext.BaseDirectory);

    /// <summary>The clay-server executable.</summary>
    public static string Server => Path.Combine(Directory, OperatingSystem.IsWindows() ? "clay-server.exe" : "clay-server");

    /// <summary>The NuGet packages shipped with this clay.</summary>
    public static string Packages => Path.Combine(Directory, "packages");
}
