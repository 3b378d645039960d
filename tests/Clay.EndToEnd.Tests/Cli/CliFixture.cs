namespace Clay.EndToEnd.Tests.Cli;

/// <summary>
/// A real server process with one deployed shopping-cart component and one worker in it, set up
/// through the CLI itself (in-process), shared by the CLI output tests.
/// </summary>
public sealed class CliFixture : IAsyncLifetime
{
    public string Root { get; } = Path.Combine(Path.GetTempPath(), "clay-cli", Guid.NewGuid().ToString("N"));

    public ServerProcess Server { get; private set; } = null!;

    public string App => Path.Combine(Root, "shop");

    public async Task InitializeAsync()
    {
        ClayInstallation.EnsurePublished();
        // In-process, clay looks for clay-server and Clay.Sdk.dll in the published install.
        Environment.SetEnvironmentVariable("CLAY_INSTALL_DIR", ClayInstallation.BinDirectory);
        Directory.CreateDirectory(Root);
        // clay runs in-process here, with this process's HOME: the server tells it where its token is there.
        Server = new ServerProcess(Path.Combine(Root, "data"), Environment.GetFolderPath(Environment.SpecialFolder.UserProfile));
        await Server.StartAsync();
        await OkAsync(Root, "app", "new", "shop", "csharp");
        await OkAsync(App, "component", "new", "csharp/example-shopping-cart", "demo:cart0");
        await OkAsync(App, "app", "deploy");
        await OkAsync(App, "worker", "new", "demo:cart0/alice", "--env", "REGION=eu");
        await OkAsync(App, "worker", "invoke", "demo:cart0/alice", "initialize-cart", "\"alice\"");
        await OkAsync(App, "worker", "invoke", "demo:cart0/alice", "add-item", "{ product-id: \"p1\", name: \"Example product\", price: 1000.0, quantity: 2 }");
        // bob is the worker tests may change; alice stays as the fixture left her.
        await OkAsync(App, "worker", "invoke", "demo:cart0/bob", "initialize-cart", "\"bob\"");
    }

    public async Task DisposeAsync()
    {
        await Server.DisposeAsync();
        try { Directory.Delete(Root, recursive: true); } catch (IOException) { }
    }

    /// <summary>Runs clay in-process against the server (unless the arguments name another one).</summary>
    public async Task<CliRun> RunAsync(string workingDirectory, params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        // Directives ([suggest]) must come first; they need no server.
        var all = args.Contains("--server") || args[0].StartsWith('[') ? args : ["--server", Server.Url, .. args];
        var exit = await Task.Run(async () =>
        {
            // Tests of the collection run one at a time, so the process's directory is theirs.
            var previous = Environment.CurrentDirectory;
            Environment.CurrentDirectory = workingDirectory;
            try
            {
                return await global::Clay.Cli.ClayCommandLine.RunAsync(all, output, error);
            }
            finally
            {
                Environment.CurrentDirectory = previous;
            }
        });
        return new CliRun(exit, output.ToString(), error.ToString());
    }

    public async Task<string> OkAsync(string workingDirectory, params string[] args)
    {
        var run = await RunAsync(workingDirectory, args);
        Assert.True(run.ExitCode == 0, $"clay {string.Join(' ', args)} exited {run.ExitCode}:\n{run.StdOut}\n{run.StdErr}");
        return run.StdOut;
    }
}

public sealed record CliRun(int ExitCode, string StdOut, string StdErr)
{
    public override string ToString() => $"exit: {ExitCode}\n--- stdout\n{StdOut}--- stderr\n{StdErr}";
}

[CollectionDefinition(Name)]
public sealed class CliCollection : ICollectionFixture<CliFixture>
{
    public const string Name = "cli";
}
