using System.Diagnostics;

namespace Clay.EndToEnd.Tests;

/// <summary>
/// A `clay` command that keeps running (a stream, a followed oplog): its output is read line by line
/// as it comes, and it is stopped as a person would, with Ctrl-C (SIGINT to its own pid).
/// </summary>
public sealed class ClayCliProcess : IAsyncDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(90);

    private readonly Process _process;
    private readonly List<string> _out = [];
    private readonly List<string> _err = [];
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ClayCliProcess(Process process) => _process = process;

    /// <summary>The lines written to stdout so far.</summary>
    public IReadOnlyList<string> StdOut
    {
        get { lock (_out) return [.. _out]; }
    }

    /// <summary>The lines written to stderr so far.</summary>
    public IReadOnlyList<string> StdErr
    {
        get { lock (_out) return [.. _err]; }
    }

    /// <summary>True once the process ended.</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>Starts <c>clay --server URL ARGS…</c>.</summary>
    public static ClayCliProcess Start(string serverUrl, string homeDirectory, params string[] args)
    {
        Directory.CreateDirectory(homeDirectory);
        var start = new ProcessStartInfo(ClayInstallation.Cli)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("--server");
        start.ArgumentList.Add(serverUrl);
        foreach (var arg in args) start.ArgumentList.Add(arg);
        start.Environment["HOME"] = homeDirectory;
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var cli = new ClayCliProcess(process);
        process.OutputDataReceived += (_, e) => cli.Add(cli._out, e.Data);
        process.ErrorDataReceived += (_, e) => cli.Add(cli._err, e.Data);
        process.Exited += (_, _) => cli.Signal();
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return cli;
    }

    /// <summary>Waits, within a generous bound, until <paramref name="done"/> holds for (stdout, stderr); fails with both when it never does.</summary>
    public async Task WaitForAsync(Func<IReadOnlyList<string>, IReadOnlyList<string>, bool> done, string what)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var changed = Volatile.Read(ref _changed).Task;
            if (done(StdOut, StdErr)) return;
            if (_process.HasExited)
            {
                // Output may still be draining after the exit: one last look once it is all in.
                await _process.WaitForExitAsync();
                if (done(StdOut, StdErr)) return;
                Assert.Fail($"clay exited ({_process.ExitCode}) before {what}:\n{string.Join('\n', StdOut)}\n--- stderr\n{string.Join('\n', StdErr)}");
            }
            var left = Bound - deadline.Elapsed;
            if (left <= TimeSpan.Zero) Assert.Fail($"clay never showed {what}:\n{string.Join('\n', StdOut)}\n--- stderr\n{string.Join('\n', StdErr)}");
            try { await changed.WaitAsync(left); } catch (TimeoutException) { }
        }
    }

    /// <summary>Waits until stdout has a line containing <paramref name="text"/>.</summary>
    public Task WaitForLineAsync(string text) => WaitForAsync((o, _) => o.Any(l => l.Contains(text, StringComparison.Ordinal)), $"'{text}' on stdout");

    /// <summary>Waits until stderr has a line containing <paramref name="text"/>.</summary>
    public Task WaitForErrorLineAsync(string text) => WaitForAsync((_, e) => e.Any(l => l.Contains(text, StringComparison.Ordinal)), $"'{text}' on stderr");

    /// <summary>Sends Ctrl-C (SIGINT) and returns the exit code.</summary>
    public async Task<int> InterruptAsync()
    {
        using (var kill = Process.Start("kill", ["-INT", _process.Id.ToString()])) await kill.WaitForExitAsync();
        return await ExitCodeAsync();
    }

    /// <summary>Waits for the process to end by itself and returns its exit code.</summary>
    public async Task<int> ExitCodeAsync()
    {
        await _process.WaitForExitAsync().WaitAsync(Bound);
        return _process.ExitCode;
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }

    private void Add(List<string> lines, string? line)
    {
        if (line is null) return;
        lock (_out) lines.Add(line);
        Signal();
    }

    private void Signal() =>
        Interlocked.Exchange(ref _changed, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
}
