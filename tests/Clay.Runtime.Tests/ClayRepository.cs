namespace Clay.Runtime.Tests;

/// <summary>Finds the repository this test assembly was built from.</summary>
public static class ClayRepository
{
    public static string Root { get; } = Find();

    private static string Find()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Clay.slnx"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("cannot find the repository root (Clay.slnx)");
    }
}
