using System.Diagnostics;
using System.Text;
using Clay.Benchmarks.Cli;

namespace Clay.Benchmarks.Restate;

/// <summary>
/// A fresh Restate server (its own embedded log and state, default configuration, a new base
/// directory) with the shopping cart of benchmarks/Restate as its registered deployment: a Node.js
/// process serving virtual objects cart0..cartN-1. Installed by scripts/install-restate.sh. It
/// listens on Restate's default ports, so it runs in a network namespace of its own (it also looks
/// for updates when it starts, which goes nowhere there).
/// </summary>
public sealed class RestateHarness : IAsyncDisposable
{
    private readonly Process _server;
    private readonly Process _service;
    private readonly string _root;

    private RestateHarness(Process server, Process service, string root)
    {
        _server = server;
        _service = service;
        _root = root;
    }

    /// <summary>The folder of the cart service and its node_modules.</summary>
    public static string Folder { get; } = Path.Combine(ClayHarness.RepositoryRoot, "benchmarks", "Restate");

    /// <summary>The restate-server binary npm installed.</summary>
    public static string ServerBinary { get; } =
        Path.Combine(Folder, "node_modules", "@restatedev", "restate-server-linux-x64", "bin", "restate-server");

    /// <summary>The ingress, where invocations go.</summary>
    public string IngressUrl => "http://127.0.0.1:8080";

    /// <summary>The Restate server and the cart service: the processes that do the work of an invocation.</summary>
    public IReadOnlyList<int> ServerPids => [_server.Id, _service.Id];

    /// <summary>Bytes on disk under the server's base directory.</summary>
    public long DataBytes => new DirectoryInfo(_root).EnumerateFiles("*", SearchOption.AllDirectories).Sum(f => f.Length);

    /// <summary>Starts a server on a new base directory and registers a cart service with <paramref name="objects"/> carts.</summary>
    public static async Task<RestateHarness> StartAsync(int objects)
    {
        if (!File.Exists(ServerBinary)) throw new InvalidOperationException($"{ServerBinary} is missing: run scripts/install-restate.sh");
        var root = Path.Combine(Path.GetTempPath(), "clay-bench-restate-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(root);
        var server = Start(ServerBinary, Folder, ["--no-logo", "--base-dir", Path.Combine(root, "restate"), "--node-name", "bench"],
            new() { ["RESTATE_DISABLE_TELEMETRY"] = "true", ["RUST_LOG"] = "warn" });
        // The SDK logs two lines per invocation at INFO: at WARN the service prints nothing on the hot path.
        var service = Start("node", Folder, ["cart-service.mjs", "9080", objects.ToString()], new() { ["RESTATE_LOGGING"] = "WARN" });
        var harness = new RestateHarness(server, service, root);
        try
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
            await WaitAsync(http, "http://127.0.0.1:9070/health");
            // Registration fails while the service is not listening yet: ask again, for at most a minute.
            await WaitAsync(() => http.PostAsync("http://127.0.0.1:9070/deployments",
                new StringContent("""{"uri":"http://127.0.0.1:9080"}""", Encoding.UTF8, "application/json")), "registering the cart service");
            await WaitAsync(http, "http://127.0.0.1:8080/restate/health");
            return harness;
        }
        catch
        {
            await harness.DisposeAsync();
            throw;
        }
    }

    private static Process Start(string file, string directory, string[] args, Dictionary<string, string> environment)
    {
        var start = new ProcessStartInfo(file) { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        foreach (var (name, value) in environment) start.Environment[name] = value;
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    /// <summary>Polls <paramref name="url"/> until it answers 2xx, for at most a minute.</summary>
    private static Task WaitAsync(HttpClient http, string url) => WaitAsync(() => http.GetAsync(url), url);

    /// <summary>Repeats <paramref name="request"/> until it answers 2xx, for at most a minute.</summary>
    private static async Task WaitAsync(Func<Task<HttpResponseMessage>> request, string what)
    {
        var deadline = Stopwatch.GetTimestamp() + Stopwatch.Frequency * 60;
        var last = "no answer";
        while (true)
        {
            try
            {
                using var response = await request();
                if (response.IsSuccessStatusCode) return;
                last = $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}";
            }
            catch (HttpRequestException ex)
            {
                last = ex.Message;
            }
            if (Stopwatch.GetTimestamp() > deadline) throw new TimeoutException($"{what}: no success within a minute ({last})");
            await Task.Delay(100);
        }
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        foreach (var process in new[] { _service, _server })
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            process.Dispose();
        }
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { }
    }
}
