using System.Diagnostics;
using System.IO.Compression;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Clay.Benchmarks.Cli;

namespace Clay.Benchmarks.Durable;

/// <summary>
/// One run of the published clay-server on a data directory that outlives it (so a benchmark can
/// fill the store between runs), timed from the process start to its "ready" line.
/// </summary>
public sealed class ServerRun : IAsyncDisposable
{
    private readonly Process _process;

    private ServerRun(Process process, string url, TimeSpan ready, long started, string token)
    {
        _process = process;
        Url = url;
        Ready = ready;
        Started = started;
        Http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 256 }) { BaseAddress = new Uri(url), Timeout = TimeSpan.FromMinutes(5) };
        // Every request but the health checks needs the server's token, on loopback too.
        Http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
    }

    /// <summary>The server's process id.</summary>
    public int Pid => _process.Id;

    /// <summary>The server's URL.</summary>
    public string Url { get; }

    /// <summary>From the process start to "Clay server ready".</summary>
    public TimeSpan Ready { get; }

    /// <summary>The <see cref="Stopwatch"/> timestamp of the process start.</summary>
    public long Started { get; }

    /// <summary>A client of the REST API.</summary>
    public HttpClient Http { get; }

    /// <summary>Lines the server printed (warnings and recovery notes).</summary>
    public List<string> Lines { get; } = [];

    /// <summary>Starts clay-server on <paramref name="dataDirectory"/> and waits until it is ready.</summary>
    public static async Task<ServerRun> StartAsync(string dataDirectory, params string[] args)
    {
        int port;
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }
        var start = new ProcessStartInfo(Path.Combine(ClayHarness.Bin, "clay-server")) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { "--port", port.ToString(), "--data-dir", dataDirectory }.Concat(args)) start.ArgumentList.Add(arg);
        var lines = new List<string>();
        var ready = new TaskCompletionSource<TimeSpan>(TaskCreationOptions.RunContinuationsAsynchronously);
        var started = Stopwatch.GetTimestamp();
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            lock (lines) lines.Add(e.Data);
            if (e.Data.Contains("Clay server ready", StringComparison.Ordinal)) ready.TrySetResult(Stopwatch.GetElapsedTime(started));
        };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (lines) lines.Add(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var readyAfter = await ready.Task.WaitAsync(TimeSpan.FromMinutes(10));
        var run = new ServerRun(process, $"http://127.0.0.1:{port}", readyAfter, started,
            File.ReadAllText(Path.Combine(dataDirectory, "access-token")).Trim());
        lock (lines) run.Lines.AddRange(lines);
        return run;
    }

    /// <summary>Uploads the sleeper component (tests/Clay.EndToEnd.Sleeper) as <paramref name="name"/>.</summary>
    public async Task DeploySleeperAsync(string name)
    {
        var assembly = typeof(Clay.EndToEnd.Sleeper.Sleeper).Assembly.Location;
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            using (var manifest = zip.CreateEntry("clay-component.json").Open())
            {
                manifest.Write(Encoding.UTF8.GetBytes($$"""{"name":"{{name}}","entryAssembly":"{{Path.GetFileName(assembly)}}"}"""));
            }
            using var code = zip.CreateEntry(Path.GetFileName(assembly)).Open();
            code.Write(File.ReadAllBytes(assembly));
        }
        using var form = new MultipartFormDataContent
        {
            { new StringContent(name), "name" },
            { new ByteArrayContent(buffer.ToArray()), "package", "sleeper.zip" },
        };
        using var response = await Http.PostAsync("/v1/components", form);
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"deploying {name}: {await response.Content.ReadAsStringAsync()}");
    }

    /// <summary>Invokes (mode await or enqueue) and returns the result's WAVE text, or null.</summary>
    public async Task<string?> InvokeAsync(string component, string worker, string function, string mode, params string[] args)
    {
        using var response = await Http.PostAsJsonAsync($"/v1/components/{component}/workers/{worker}/invoke", new { function, args, mode });
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"{component}/{worker} {function}: {(int)response.StatusCode} {text}");
        using var json = JsonDocument.Parse(text);
        return json.RootElement.TryGetProperty("result", out var result) && result.ValueKind == JsonValueKind.Object
            ? result.GetProperty("wave").GetString()
            : null;
    }

    /// <summary>The server's peak resident memory so far.</summary>
    public long PeakRss
    {
        get
        {
            _process.Refresh();
            return _process.PeakWorkingSet64;
        }
    }

    /// <summary>kill -9.</summary>
    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
        _process.Dispose();
    }
}
