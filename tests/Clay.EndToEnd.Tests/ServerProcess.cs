using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Clay.Reliability;

namespace Clay.EndToEnd.Tests;

/// <summary>A real `clay-server` process on a free port with its own data directory.</summary>
public sealed class ServerProcess : IAsyncDisposable
{
    private Process? _process;
    /// <summary>Set while the server's standard output is read (see <see cref="StopReadingOutput"/>).</summary>
    private readonly ManualResetEventSlim _reading = new(initialState: true);

    /// <param name="dataDirectory">The server's data directory.</param>
    /// <param name="homeDirectory">The server's HOME, where it tells clay how to find its token; by default the "home"
    /// next to the data directory, which is where the tests run clay with.</param>
    public ServerProcess(string dataDirectory, string? homeDirectory = null)
    {
        DataDirectory = dataDirectory;
        HomeDirectory = homeDirectory ?? Path.Combine(Path.GetDirectoryName(Path.GetFullPath(dataDirectory))!, "home");
        Port = LoopbackPorts.Free();
    }

    public string DataDirectory { get; }

    /// <summary>A command (and its arguments) that runs the server: the server's path and arguments follow it. It must exec the server, keeping its pid.</summary>
    public IReadOnlyList<string> Launcher { get; init; } = [];

    public string HomeDirectory { get; }

    /// <summary>The server's process id while it runs.</summary>
    public int Pid => _process?.Id ?? throw new InvalidOperationException("the server is not running");

    /// <summary>The server's access token (every request but /health needs it, on loopback too).</summary>
    public string Token => File.ReadAllText(Path.Combine(DataDirectory, "access-token")).Trim();

    /// <summary>A REST client of this server that sends its token.</summary>
    public HttpClient CreateHttpClient()
    {
        var http = new HttpClient { BaseAddress = new Uri(Url) };
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", Token);
        return http;
    }

    public int Port { get; }

    public string Url => $"http://127.0.0.1:{Port}";

    public System.Text.StringBuilder Output { get; } = new();

    private TaskCompletionSource _written = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when the server writes its next line.</summary>
    public Task OutputWritten => Volatile.Read(ref _written).Task;

    private void Written(string line)
    {
        lock (Output) Output.AppendLine(line);
        Interlocked.Exchange(ref _written, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
    }

    /// <summary>Waits until the server has written <paramref name="text"/> (on either stream), for at most <paramref name="within"/>.</summary>
    /// <returns>False when it has not by then.</returns>
    public async Task<bool> WroteAsync(string text, TimeSpan within)
    {
        var deadline = DateTime.UtcNow + within;
        while (true)
        {
            var next = OutputWritten;
            lock (Output)
            {
                if (Output.ToString().Contains(text, StringComparison.Ordinal)) return true;
            }
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero) return false;
            await Task.WhenAny(next, Task.Delay(left));
        }
    }

    /// <summary>Environment variables of the server process (CLAY__… options, say).</summary>
    public Dictionary<string, string> Environment { get; } = [];

    /// <summary>Starts the server and waits until it says it is ready.</summary>
    public async Task StartAsync(params string[] extraArgs)
    {
        ClayInstallation.EnsurePublished();
        var start = new ProcessStartInfo(Launcher.Count > 0 ? Launcher[0] : ClayInstallation.Server)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var launcher = Launcher.Count > 0 ? Launcher.Skip(1).Append(ClayInstallation.Server) : [];
        foreach (var arg in launcher.Concat(["--port", Port.ToString(), "--data-dir", DataDirectory]).Concat(extraArgs)) start.ArgumentList.Add(arg);
        Directory.CreateDirectory(HomeDirectory);
        start.Environment["HOME"] = HomeDirectory;
        foreach (var (name, value) in Environment) start.Environment[name] = value;
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) =>
        {
            _reading.Wait();
            if (e.Data is null) return;
            Written(e.Data);
            if (e.Data.Contains("Clay server ready", StringComparison.Ordinal)) ready.TrySetResult();
        };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) Written(e.Data); };
        process.WhenExitedAndDrained(() => ready.TrySetException(new InvalidOperationException($"clay-server exited early:\n{Output}")));
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;
        // Generous: a busy machine can take a minute to start a server; a healthy one takes a second.
        await ready.Task.WaitAsync(TimeSpan.FromSeconds(180));
    }

    /// <summary>
    /// Stops reading what the server writes on its standard output: once the pipe is full, its console
    /// can write no more, as when nobody reads it. What it wrote before stays in <see cref="Output"/>.
    /// </summary>
    /// <remarks>The reader is held at its next line (<see cref="System.Diagnostics.Process.CancelOutputRead"/> would go on reading, only unseen) until the server is killed.</remarks>
    public void StopReadingOutput() => _reading.Reset();

    /// <summary>Kills the server with SIGKILL: no shutdown code runs.</summary>
    public async Task KillAsync()
    {
        if (_process is null) return;
        _process.Kill(entireProcessTree: true);
        _reading.Set();
        await _process.WaitForExitAsync();
        _process.Dispose();
        _process = null;
    }

    /// <summary>Asks the server to stop with SIGTERM and waits for it.</summary>
    public async Task<int> TerminateAsync()
    {
        if (_process is null) return 0;
        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString()])) await kill.WaitForExitAsync();
        _reading.Set();
        await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        var code = _process.ExitCode;
        _process.Dispose();
        _process = null;
        return code;
    }

    public async ValueTask DisposeAsync() => await KillAsync();
}
