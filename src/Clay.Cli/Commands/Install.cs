namespace Clay.Cli.Commands;

/// <summary>Where this clay is installed: clay-server and Clay.Sdk.dll sit next to it.</summary>
public static class Install
{
    /// <summary>The directory of the clay executable.</summary>
    public static string Directory { get; } = Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory);

    /// <summary>The clay-server executable.</summary>
    public static string Server => Path.Combine(Directory, OperatingSystem.IsWindows() ? "clay-server.exe" : "clay-server");
}
