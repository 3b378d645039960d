using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;

namespace Clay.Benchmarks.Cli;

/// <summary>
/// The published clay and clay-server (artifacts/bin, built by scripts/publish.sh) as a user runs
/// them: a server process on a free port and clay commands timed one by one.
/// </summary>
public sealed class ClayHarness : IAsyncDisposable
{
    private string[] _serverArgs;
    private Process _server;

    private ClayHarness(Process server, string root, string url, string[] serverArgs)
    {
        _server = server;
        _serverArgs = serverArgs;
        Root = root;
        Url = url;
        Http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 256 }) { BaseAddress = new Uri(url), Timeout = TimeSpan.FromMinutes(5) };
        // Every request but /health needs the server's token, on loopback too; clay finds it by itself.
        Http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer",
            File.ReadAllText(Path.Combine(root, "data", "access-token")).Trim());
    }

    /// <summary>A client of the server's REST API.</summary>
    public HttpClient Http { get; }

    /// <summary>The file holding the server's access token (clay-load's <c>--token-file</c>).</summary>
    public string TokenFile => Path.Combine(DataDirectory, "access-token");

    /// <summary>The server's data directory.</summary>
    public string DataDirectory => Path.Combine(Root, "data");

    /// <summary>The server process's peak resident memory so far, in bytes.</summary>
    public long PeakRss
    {
        get
        {
            _server.Refresh();
            return _server.PeakWorkingSet64;
        }
    }

    /// <summary>
    /// The peak resident memory of the server's component hosts alive now, each its own peak
    /// (<c>VmHWM</c>), in bytes: with <see cref="PeakRss"/>, a bound on the peak of the whole server.
    /// </summary>
    public long HostsPeakRss => Rest.IsolationScenario.Children(_server.Id).Sum(pid => Rest.IsolationScenario.StatusKib(pid, "VmHWM:") * 1024);

    /// <summary>Bytes on disk under the data directory.</summary>
    public long DataBytes => new DirectoryInfo(DataDirectory).EnumerateFiles("*", SearchOption.AllDirectories).Sum(f => f.Length);

    /// <summary>Invokes a function through the REST API and returns the result's WAVE text (or null); throws on failure.</summary>
    public async Task<string?> InvokeAsync(string component, string worker, string function, params string[] args)
    {
        using var response = await Http.PostAsync($"/v1/components/{component}/workers/{worker}/invoke",
            // Serialized up front, as Clay.Client sends it: with a Content-Length, not chunked.
            new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(new InvokeBody(function, args), JsonSerializerOptions.Web)) { Headers = { ContentType = new("application/json") } });
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"{component}/{worker} {function}: {text}");
        using var json = JsonDocument.Parse(text);
        return json.RootElement.TryGetProperty("result", out var result) && result.ValueKind == JsonValueKind.Object
            ? result.GetProperty("wave").GetString()
            : null;
    }

    /// <summary>Drops the worker from the server's memory.</summary>
    public async Task EvictAsync(string component, string worker)
    {
        using var response = await Http.PostAsync($"/v1/components/{component}/workers/{worker}/evict", null);
        response.EnsureSuccessStatusCode();
    }

    private sealed record InvokeBody(string Function, string[] Args);

    public string Root { get; }

    public string Url { get; }

    /// <summary>The server's process id.</summary>
    public int ServerPid => _server.Id;

    /// <summary>The repository these benchmarks were built from (the folder of Clay.slnx).</summary>
    public static string RepositoryRoot { get; } = FindRoot();

    public static string Bin { get; } = FindBin();

    public static async Task<ClayHarness> StartAsync(params string[] serverArgs)
    {
        var root = Path.Combine(Path.GetTempPath(), "clay-bench-cli-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(root);
        int port;
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }
        var server = await StartServerAsync(root, port, serverArgs);
        return new ClayHarness(server, root, $"http://127.0.0.1:{port}", serverArgs);
    }

    /// <summary>As <see cref="RestartAsync(Func{Task})"/>, starting it again with other arguments.</summary>
    public Task RestartAsync(string[] serverArgs, Func<Task> whileStopped)
    {
        _serverArgs = serverArgs;
        return RestartAsync(whileStopped);
    }

    /// <summary>Stops the server cleanly (SIGTERM), runs <paramref name="whileStopped"/>, and starts it again on the same port and data.</summary>
    public async Task RestartAsync(Func<Task> whileStopped)
    {
        using (var term = Process.Start("kill", ["-TERM", _server.Id.ToString()])) await term.WaitForExitAsync();
        await _server.WaitForExitAsync();
        _server.Dispose();
        await whileStopped();
        _server = await StartServerAsync(Root, new Uri(Url).Port, _serverArgs);
    }

    /// <summary>
    /// Starts clay-server with what it prints going to a file, as a server whose log a collector picks
    /// up later: the benchmark reads no line of it while it runs (reading each one woke this process
    /// for every worker line, on the cores the server is measured on). The file is
    /// <c>CLAY_BENCH_SERVER_LOG</c> when set, else <c>server.log</c> in the run's folder.
    /// </summary>
    private static async Task<Process> StartServerAsync(string root, int port, string[] serverArgs)
    {
        var log = Environment.GetEnvironmentVariable("CLAY_BENCH_SERVER_LOG") is { Length: > 0 } path ? path : Path.Combine(root, "server.log");
        // The shell replaces itself with the server (exec): the process started is the server, same pid.
        var start = new ProcessStartInfo("/bin/sh");
        foreach (var arg in new[] { "-c", "exec \"$0\" \"$@\" >>\"$CLAY_BENCH_LOG\" 2>&1", Path.Combine(Bin, "clay-server"),
            "--port", port.ToString(), "--data-dir", Path.Combine(root, "data") }.Concat(serverArgs))
        {
            start.ArgumentList.Add(arg);
        }
        start.Environment["CLAY_BENCH_LOG"] = log;
        // Runtime settings for the server alone, not for the benchmark, its load client or the builds:
        // CLAY_BENCH_SERVER_ENV="DOTNET_TieredCompilation=0;DOTNET_TC_CallCountThreshold=200".
        foreach (var setting in (Environment.GetEnvironmentVariable("CLAY_BENCH_SERVER_ENV") ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries))
        {
            var at = setting.IndexOf('=', StringComparison.Ordinal);
            if (at > 0) start.Environment[setting[..at]] = setting[(at + 1)..];
        }
        var from = File.Exists(log) ? new FileInfo(log).Length : 0;
        var server = Process.Start(start)!;
        // A store of a million workers takes minutes to open on a busy machine.
        var deadline = Stopwatch.GetTimestamp() + Stopwatch.Frequency * 1800;
        while (!Printed(log, from, "Clay server ready"))
        {
            if (server.HasExited) throw new InvalidOperationException($"clay-server exited ({server.ExitCode}) before it was ready; its output is in {log}");
            if (Stopwatch.GetTimestamp() > deadline) throw new TimeoutException($"clay-server was not ready within 30 minutes; its output is in {log}");
            await Task.Delay(50);
        }
        return server;
    }

    /// <summary>Whether the file holds <paramref name="text"/> after its first <paramref name="from"/> bytes.</summary>
    private static bool Printed(string file, long from, string text)
    {
        using var stream = new FileStream(file, FileMode.OpenOrCreate, FileAccess.Read, FileShare.ReadWrite);
        stream.Position = Math.Min(from, stream.Length);
        return new StreamReader(stream).ReadToEnd().Contains(text, StringComparison.Ordinal);
    }

    /// <summary>Runs one clay command; returns its wall time in milliseconds. Throws when it fails.</summary>
    public double Run(string workingDirectory, params string[] args) => Run(workingDirectory, out _, args);

    /// <summary>Runs one clay command and returns its wall time; <paramref name="output"/> is what it printed.</summary>
    public double Run(string workingDirectory, out string output, params string[] args)
    {
        var start = new ProcessStartInfo(Path.Combine(Bin, "clay"))
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add("--server");
        start.ArgumentList.Add(Url);
        foreach (var arg in args) start.ArgumentList.Add(arg);
        var started = Stopwatch.GetTimestamp();
        using var process = Process.Start(start)!;
        output = process.StandardOutput.ReadToEnd();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        if (process.ExitCode != 0) throw new InvalidOperationException($"clay {string.Join(' ', args)} failed ({process.ExitCode}): {output}{error}");
        return elapsed;
    }

    /// <summary>Creates an application with <paramref name="components"/> cart components and deploys it.</summary>
    public string DeployCarts(int components)
    {
        Run(Root, "app", "new", "bench", "csharp");
        var app = Path.Combine(Root, "bench");
        for (var i = 0; i < components; i++) Run(app, "component", "new", "csharp/example-shopping-cart", $"demo:cart{i}");
        Run(app, "app", "deploy");
        return app;
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        _server.Kill(entireProcessTree: true);
        await _server.WaitForExitAsync();
        _server.Dispose();
        try { Directory.Delete(Root, recursive: true); } catch (IOException) { }
    }

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Clay.slnx"))) dir = dir.Parent;
        return dir?.FullName ?? ".";
    }

    private static string FindBin()
    {
        // CLAY_BENCH_BIN runs another published build (a copy of an older artifacts/bin) for A/B comparisons.
        var bin = Environment.GetEnvironmentVariable("CLAY_BENCH_BIN") is { Length: > 0 } other ? other : Path.Combine(RepositoryRoot, "artifacts", "bin");
        if (!File.Exists(Path.Combine(bin, "clay"))) throw new InvalidOperationException($"clay is not published in {bin}: run scripts/publish.sh first");
        return bin;
    }
}
