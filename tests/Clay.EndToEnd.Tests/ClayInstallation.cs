namespace Clay.EndToEnd.Tests;

/// <summary>
/// The published `clay` and `clay-server` executables these tests drive as real processes.
/// `./test.sh` publishes them into artifacts/bin before running the tests.
/// </summary>
public static class ClayInstallation
{
    public static string RepositoryRoot { get; } = FindRoot();

    public static string BinDirectory => Path.Combine(RepositoryRoot, "artifacts", "bin");

    public static string Cli => Path.Combine(BinDirectory, "clay");

    public static string Server => Path.Combine(BinDirectory, "clay-server");

    public static void EnsurePublished()
    {
        if (!File.Exists(Cli) || !File.Exists(Server))
        {
            throw new InvalidOperationException($"clay is not published in {BinDirectory}: run ./test.sh or scripts/publish.sh first");
        }
    }

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Clay.slnx"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("cannot find the repository root (Clay.slnx)");
    }
}
