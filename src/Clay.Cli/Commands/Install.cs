namespace Clay.Cli.Commands;

/// <summary>Where this clay is installed: clay-server and Clay.Sdk.dll sit next to it.</summary>
public static class Install
{
    /// <summary>The directory of the clay executable.</summary>
    /// <remarks><c>CLAY_INSTALL_DIR</c> overrides it (for running clay from somewhere else than its install).</remarks>
    public static string Directory { get; } = Path.TrimEndingDirectorySeparator(
        Environment.GetEnvironmentVariable("CLAY_INSTALL_DIR") is { Length: > 0 } dir ? Path.GetFullPath(dir) : AppContext.BaseDirectory);

    /// <summary>The clay-server executable.</summary>
    public static string Server => Path.Combine(Directory, OperatingSystem.IsWindows() ? "clay-server.exe" : "clay-server");
}
