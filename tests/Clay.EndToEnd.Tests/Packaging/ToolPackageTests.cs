using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Clay.Reliability;

namespace Clay.EndToEnd.Tests.Packaging;

/// <summary>
/// The packages in artifacts/packages (scripts/pack.sh; ./test.sh builds them through
/// scripts/publish.sh) as a user meets them: `dotnet tool install -g Clay.Cli` into an empty home,
/// then an application created and built with no network at all, then the installed tool's
/// `clay server run` deploying and invoking it. Every process runs with a proxy that refuses and
/// records each connection: a restore that needed nuget.org fails the test.
/// </summary>
[Trait("Category", "EndToEnd")]
public sealed class ToolPackageTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "clay-tool", Guid.NewGuid().ToString("N"));
    private readonly RefusingProxy _network = new();

    public ToolPackageTests() => Directory.CreateDirectory(Home);

    private string Home => Path.Combine(_root, "home");

    private string Clay => Path.Combine(Home, ".dotnet", "tools", "clay");

    private static string Feed => Path.Combine(ClayInstallation.RepositoryRoot, "artifacts", "packages");

    public void Dispose()
    {
        _network.Dispose();
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { }
    }

    [Fact]
    public async Task The_tool_installs_into_an_empty_home_and_builds_and_runs_an_application_offline()
    {
        Assert.True(Directory.Exists(Feed) && Directory.EnumerateFiles(Feed, "Clay.Cli.*.nupkg").Any(),
            $"no Clay.Cli package in {Feed}: run scripts/pack.sh (or ./test.sh) first");
        // This machine knows no package source but the one given: nothing can come from elsewhere.
        Directory.CreateDirectory(Path.Combine(Home, ".nuget", "NuGet"));
        File.WriteAllText(Path.Combine(Home, ".nuget", "NuGet", "NuGet.Config"),
            "<configuration><packageSources><clear /></packageSources></configuration>");

        var install = await RunAsync(_root, "dotnet", "tool", "install", "-g", "Clay.Cli", "--add-source", Feed);
        Assert.Contains("was successfully installed", install);

        await RunAsync(_root, Clay, "app", "new", "shop", "csharp");
        var app = Path.Combine(_root, "shop");
        await RunAsync(app, Clay, "component", "new", "csharp/example-shopping-cart", "demo:cart0");
        Assert.Contains("<PackageReference Include=\"Clay.Sdk\"", File.ReadAllText(Path.Combine(app, "components", "demo-cart0", "demo-cart0.csproj")));
        var build = await RunAsync(app, Clay, "app", "build");

        Assert.Contains("Built demo:cart0", build);
        Assert.True(_network.Requests.Count == 0, "the build went to the network: " + string.Join("; ", _network.Requests));
        // Clay.Sdk came from the feed clay keeps in the home directory, filled from the tool's own packages.
        var restored = Directory.GetDirectories(Path.Combine(_root, "nuget", "clay.sdk")).Single();
        Assert.Contains(Path.Combine(Home, ".clay", "packages"), File.ReadAllText(Path.Combine(restored, ".nupkg.metadata")));

        var port = LoopbackPorts.Free();
        var server = StartServer(app, port);
        try
        {
            await server.Ready.WaitAsync(TimeSpan.FromSeconds(90));
            var url = $"http://127.0.0.1:{port}";
            await RunAsync(app, Clay, "--server", url, "app", "deploy");
            await RunAsync(app, Clay, "--server", url, "worker", "invoke", "demo:cart0/alice", "initialize-cart", "\"alice\"");
            await RunAsync(app, Clay, "--server", url, "worker", "invoke", "demo:cart0/alice", "add-item",
                "{ product-id: \"p1\", name: \"Example product\", price: 1000.0, quantity: 2 }");
            var contents = await RunAsync(app, Clay, "--server", url, "worker", "invoke", "demo:cart0/alice", "get-cart-contents");

            Assert.Equal("Invocation results in WAVE format:\n- [{product-id: \"p1\", name: \"Example product\", price: 1000.0, quantity: 2}]", contents.Trim());
        }
        finally
        {
            await server.StopAsync();
        }
        Assert.True(_network.Requests.Count == 0, "clay went to the network: " + string.Join("; ", _network.Requests));
    }

    /// <summary>The environment of a fresh machine, offline: the temporary home, its own package folder, the refusing proxy.</summary>
    private void Isolate(ProcessStartInfo start)
    {
        start.Environment["HOME"] = Home;
        start.Environment["DOTNET_CLI_HOME"] = Home;
        start.Environment["NUGET_PACKAGES"] = Path.Combine(_root, "nuget");
        start.Environment["NUGET_HTTP_CACHE_PATH"] = Path.Combine(_root, "nuget-http");
        foreach (var proxy in new[] { "HTTPS_PROXY", "HTTP_PROXY", "https_proxy", "http_proxy", "ALL_PROXY", "all_proxy" }) start.Environment[proxy] = _network.Url;
        start.Environment["NO_PROXY"] = start.Environment["no_proxy"] = "";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";
        // Nothing the test starts may outlive it: no lingering build or compiler servers.
        start.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        start.Environment["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0";
        start.Environment["UseSharedCompilation"] = "false";
        start.Environment.Remove("CLAY_INSTALL_DIR");
        start.Environment.Remove("CLAY_SERVER");
    }

    private async Task<string> RunAsync(string workingDirectory, string file, params string[] args)
    {
        var start = new ProcessStartInfo(file) { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        Isolate(start);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        try
        {
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(5));
        }
        catch (TimeoutException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
        Assert.True(process.ExitCode == 0, $"{Path.GetFileName(file)} {string.Join(' ', args)} exited {process.ExitCode}:\n{await stdout}\n{await stderr}");
        return await stdout;
    }

    /// <summary>
    /// `clay server run` in a process group of its own, as in a terminal: stopping it is Ctrl+C to
    /// the group, which reaches clay and the clay-server it started.
    /// </summary>
    private RunningServer StartServer(string app, int port)
    {
        var start = new ProcessStartInfo("setsid") { WorkingDirectory = app, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { Clay, "server", "run", "--port", port.ToString(), "--data-dir", Path.Combine(_root, "data") }) start.ArgumentList.Add(arg);
        Isolate(start);
        var output = new StringBuilder();
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            lock (output) output.AppendLine(e.Data);
            if (e.Data.Contains("Clay server ready", StringComparison.Ordinal)) ready.TrySetResult();
        };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.WhenExitedAndDrained(() => ready.TrySetException(new InvalidOperationException($"clay server run exited early:\n{output}")));
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new RunningServer(process, ready.Task);
    }

    private sealed record RunningServer(Process Process, Task Ready)
    {
        public async Task StopAsync()
        {
            // setsid made clay the leader of a new group: its id is the group's.
            await SignalGroupAsync("-INT");
            try
            {
                await Process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
            }
            catch (TimeoutException)
            {
                await SignalGroupAsync("-KILL");
                await Process.WaitForExitAsync();
            }
            Process.Dispose();
        }

        private async Task SignalGroupAsync(string signal)
        {
            using var kill = System.Diagnostics.Process.Start("kill", [signal, "--", "-" + Process.Id])!;
            await kill.WaitForExitAsync();
        }
    }
}
