using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Clay.Reliability;

/// <summary>A real <c>clay-server</c> process (the published one in artifacts/bin) that can be killed and started again on the same data.</summary>
public sealed class ClayServerProcess : IAsyncDisposable
{
    private readonly string _executable;
    private readonly string[] _extraArgs;
    private Process? _process;

    /// <summary>A server over <paramref name="dataDirectory"/> on a free port; not started yet.</summary>
    public ClayServerProcess(string binDirectory, string dataDirectory, params string[] extraArgs)
    {
        _executable = Path.Combine(binDirectory, "clay-server");
        if (!File.Exists(_executable)) throw new FileNotFoundException($"clay-server is not published in {binDirectory}: run scripts/publish.sh first", _executable);
        DataDirectory = dataDirectory;
        _extraArgs = extraArgs;
        // Not from the ephemeral range: a restart on the same port must not find it taken by another server's silo or a connection.
        Port = LoopbackPorts.Free();
    }

    /// <summary>The data directory.</summary>
    public string DataDirectory { get; }

    /// <summary>The REST port.</summary>
    public int Port { get; }

    /// <summary>The REST base address.</summary>
    public Uri Url => new($"http://127.0.0.1:{Port}/");

    /// <summary>The server's access token (every request but /health needs it); it exists once the server has started.</summary>
    public string Token => File.ReadAllText(Path.Combine(DataDirectory, "access-token")).Trim();

    /// <summary>A REST client of this server that sends its token.</summary>
    public HttpClient CreateHttpClient(HttpMessageHandler? handler = null)
    {
        var http = handler is null ? new HttpClient() : new HttpClient(handler);
        http.BaseAddress = Url;
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", Token);
        return http;
    }

    /// <summary>Everything the server printed, across starts.</summary>
    public StringBuilder Output { get; } = new();

    /// <summary>Environment variables set for the server process (the power-cut layer, unsafe test settings).</summary>
    public Dictionary<string, string> Environment { get; } = new(StringComparer.Ordinal);

    /// <summary>Starts the server and waits for its ready line.</summary>
    public async Task StartAsync(TimeSpan timeout) => await Launch().WaitAsync(timeout);

    /// <summary>
    /// Starts the server without waiting: the task completes when it prints its ready line, and fails
    /// if it exits first (a kill during start-up makes it fail; observe it or ignore it).
    /// </summary>
    public Task Launch()
    {
        var start = new ProcessStartInfo(_executable) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var (name, value) in Environment) start.Environment[name] = value;
        foreach (var arg in new[] { "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--data-dir", DataDirectory }.Concat(_extraArgs))
        {
            start.ArgumentList.Add(arg);
        }
        // Its own HOME, next to the data: the server notes there where its token is, for clay on this machine.
        var home = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(DataDirectory))!, "home");
        Directory.CreateDirectory(home);
        start.Environment["HOME"] = home;
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            lock (Output) Output.AppendLine(e.Data);
            if (e.Data.Contains("Clay server ready", StringComparison.Ordinal)) ready.TrySetResult();
        };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (Output) Output.AppendLine(e.Data); };
        process.WhenExitedAndDrained(() => ready.TrySetException(new InvalidOperationException($"clay-server exited during start-up:\n{Tail()}")));
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;
        return ready.Task;
    }

    /// <summary>SIGKILL: no shutdown code runs.</summary>
    public async Task KillAsync()
    {
        if (_process is null) return;
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
        _process.Dispose();
        _process = null;
    }

    /// <summary>SIGTERM, then waits for the clean shutdown; returns the exit code.</summary>
    public async Task<int> TerminateAsync(TimeSpan timeout)
    {
        if (_process is null) return 0;
        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!)
        {
            await kill.WaitForExitAsync();
        }
        await _process.WaitForExitAsync().WaitAsync(timeout);
        var code = _process.ExitCode;
        _process.Dispose();
        _process = null;
        return code;
    }

    /// <summary>The last lines the server printed.</summary>
    public string Tail(int lines = 40)
    {
        lock (Output) return string.Join('\n', Output.ToString().Split('\n').TakeLast(lines));
    }

    /// <summary>Uploads the ledger component as <paramref name="name"/>.</summary>
    public Task DeployLedgerAsync(HttpClient http, string name) => LedgerPackage.DeployAsync(http, Url, name);

    /// <summary>Finds artifacts/bin above the running assembly (the repository's published executables).</summary>
    public static string FindBin()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Clay.slnx"))) return Path.Combine(dir.FullName, "artifacts", "bin");
        }
        throw new InvalidOperationException("cannot find the Clay repository above " + AppContext.BaseDirectory);
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync() => await KillAsync();
}
