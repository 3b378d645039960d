using System.Collections.Concurrent;
using System.Diagnostics;
using Clay.Cluster.Hosts;
using Clay.Runtime;
using Orleans.Serialization;

namespace Clay.Server.Isolation;

/// <summary>
/// One component host process as the server sees it: started as <c>clay-server component-host</c>
/// with a hard limit on its managed heap, spoken to over its standard input and output, its standard
/// error logged. Knows which workers have a call in flight in it, and why it ended.
/// </summary>
internal sealed class ComponentHost : IAsyncDisposable
{
    private const int LoggedLines = 20;
    private readonly Process _process;
    private readonly ConcurrentDictionary<long, WorkerId> _inFlight = new();
    private readonly ConcurrentDictionary<WorkerId, bool> _culprits = new();
    private readonly TaskCompletionSource<string> _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ILogger _logger;
    private long _nextCall;
    private int _loggedLines;
    private volatile string? _fatal;
    private volatile string? _limit;
    private volatile bool _stopping;

    /// <summary>The short link the host takes as its temporary directory, if its scratch directory's path is too long (see <see cref="HostEnvironment.ShortTemporaryLink"/>).</summary>
    private readonly string? _temporaryLink;

    private ComponentHost(string component, Process process, ILogger logger, string? temporaryLink)
    {
        _temporaryLink = temporaryLink;
        Component = component;
        _process = process;
        _logger = logger;
    }

    /// <summary>The component whose workers run here.</summary>
    public string Component { get; }

    /// <summary>The host's process id.</summary>
    public int Pid => _process.Id;

    /// <summary>The process's resident memory at its first report of residency, before it held many workers: its fixed size (0 until then).</summary>
    public long FixedBytes { get; set; }

    /// <summary>The share of the memory budget the host was last told (0 until told).</summary>
    public long Share { get; set; }

    /// <summary>The process's resident memory now, in bytes (0 once it has ended).</summary>
    public long ResidentBytes()
    {
        try
        {
            _process.Refresh();
            return _process.HasExited ? 0 : _process.WorkingSet64;
        }
        catch (InvalidOperationException)
        {
            return 0;
        }
    }

    /// <summary>The channel to the host.</summary>
    public HostChannel Channel { get; private set; } = null!;

    /// <summary>Completes when the process has ended, with what ended it, in words.</summary>
    public Task<string> Ended => _ended.Task;

    /// <summary>True once the server asked it to stop: its end is not a crash.</summary>
    public bool Stopping => _stopping;

    /// <summary>The workers that had a call in flight when the process ended (callers hold their calls until <see cref="Ended"/>).</summary>
    public IReadOnlyList<WorkerId> InFlightAtEnd { get; private set; } = [];

    /// <summary>Starts a host for the component of <paramref name="settings"/>.</summary>
    public static ComponentHost Start(HostSettings settings, long heapLimitBytes, string scratchDirectory, Serializer serializer,
        ServerSideOfHosts server, ILogger logger)
    {
        Directory.CreateDirectory(scratchDirectory);
        var start = new ProcessStartInfo(Environment.ProcessPath ?? throw new InvalidOperationException("the server's executable is unknown"))
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = scratchDirectory,
        };
        start.ArgumentList.Add(ComponentHostMain.Command);
        var temporary = HostEnvironment.ShortTemporaryLink(scratchDirectory);
        HostEnvironment.Fill(start.Environment, Environment.GetEnvironmentVariables(), scratchDirectory, temporary);
        foreach (var (name, value) in settings.ToEnvironment()) start.Environment[name] = value;
        // The runtime enforces it: an allocation past it throws OutOfMemoryException in the host, not in the server.
        start.Environment["DOTNET_GCHeapHardLimit"] = "0x" + heapLimitBytes.ToString("x", System.Globalization.CultureInfo.InvariantCulture);
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var host = new ComponentHost(settings.Component, process, logger, temporary);
        process.ErrorDataReceived += (_, e) => host.OnError(e.Data);
        try
        {
            process.Start();
        }
        catch
        {
            if (temporary is not null) File.Delete(temporary);
            throw;
        }
        process.BeginErrorReadLine();
        host.Channel = new HostChannel(process.StandardOutput.BaseStream, process.StandardInput.BaseStream, serializer,
            call =>
            {
                host.Sent(call);
                return server.HandleAsync(settings.Component, call);
            }, notice =>
            {
                if (notice is HostLimitReached limit && limit.Component == settings.Component) host.Stop(limit);
                else
                {
                    host.Sent(notice);
                    server.Notice(settings.Component, notice);
                }
            },
            $"host channel {settings.Component}", HostChannel.MaxFrameBytesFor(settings.Limits.MaxEntryBytes),
            // A commit only queues its write in the store: begun on the reading thread, it costs no hand-off to the pool.
            answerOnReader: static call => call is StoreCall { Operation: StoreOperation.Append });
        _ = host.WatchAsync();
        _ = host.EndWithChannelAsync();
        return host;
    }

    private readonly GoingOn _goingOn = new();

    /// <summary>Notes that <paramref name="worker"/>, woken after the last crash, went on with its work in this host.</summary>
    public void WentOn(WorkerId worker) => _goingOn.WentOn(worker);

    private void Sent(object message) => _goingOn.Sent(Component, message);

    /// <summary>The workers that went on with their work in this host after the crash of the one before, and still had work.</summary>
    public IReadOnlyList<WorkerId> WentOnHere => _goingOn.Workers;

    /// <summary>Completes once <paramref name="worker"/>, woken here after a crash, shows its work done (at once when it is not going on here).</summary>
    public Task DoneHere(WorkerId worker) => _goingOn.Done(worker);

    /// <summary>Notes a call in flight for <paramref name="worker"/> until the returned ticket is disposed.</summary>
    public Ticket Track(WorkerId worker)
    {
        var id = Interlocked.Increment(ref _nextCall);
        _inFlight[id] = worker;
        return new Ticket(this, id);
    }

    /// <summary>Closes the channel and waits for the host to end; kills it if it does not within <paramref name="grace"/>.</summary>
    public async Task StopAsync(TimeSpan grace)
    {
        _stopping = true;
        await Channel.DisposeAsync();
        try
        {
            _process.StandardInput.Close();
        }
        catch (IOException)
        {
            // Gone already.
        }
        if (await Task.WhenAny(Ended, Task.Delay(grace)) != Ended) Kill();
        await Ended;
    }

    /// <summary>
    /// An invocation went past a limit the host enforces: the host is ended at once, as a crash charged
    /// to that invocation's worker (also when no call of it is in flight: it may run a queued invocation).
    /// </summary>
    private void Stop(HostLimitReached limit)
    {
        _culprits[new WorkerId(limit.Component, limit.Worker)] = true;
        _limit ??= limit.Reason;
        Kill(deliberate: false);
    }

    /// <summary>Ends the host at once (SIGKILL); unless <paramref name="deliberate"/>, its end counts as a crash.</summary>
    public void Kill(bool deliberate = true)
    {
        if (deliberate) _stopping = true;
        try
        {
            _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // It has ended.
        }
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await StopAsync(TimeSpan.FromSeconds(5));
        _process.Dispose();
    }

    private async Task WatchAsync()
    {
        await _process.WaitForExitAsync();
        // Standard error is read to its end before the exit is described: the runtime's last words are there.
        _process.WaitForExit();
        InFlightAtEnd = _culprits.Keys.Concat(_inFlight.Values).Distinct().ToList();
        DeleteTemporaryLink();
        _ended.TrySetResult(_limit is { } limit ? $"was stopped because {limit}" : Describe(_process.ExitCode, _fatal));
    }

    /// <summary>Deletes the host's short temporary link, if it has one; a link that cannot be deleted stays (it harms nothing).</summary>
    private void DeleteTemporaryLink()
    {
        if (_temporaryLink is not { } link) return;
        try
        {
            File.Delete(link);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            _logger.LogDebug(ex, "The temporary link {Link} of the host of {Component} could not be deleted", link, Component);
        }
    }

    /// <summary>A host whose channel broke (it wrote something else than frames) is of no use: it is ended.</summary>
    private async Task EndWithChannelAsync()
    {
        await Channel.Closed;
        if (await Task.WhenAny(Ended, Task.Delay(TimeSpan.FromSeconds(2))) != Ended)
        {
            _fatal ??= "breaking its channel to the server";
            Kill(deliberate: false);
        }
    }

    private void OnError(string? line)
    {
        if (line is null) return;
        _fatal ??= Fatal(line);
        if (Interlocked.Increment(ref _loggedLines) <= LoggedLines) _logger.LogWarning("component host {Component}: {Line}", Component, line);
    }

    /// <summary>The runtime's own report of a fatal error, from a line of standard error.</summary>
    private static string? Fatal(string line) => line switch
    {
        _ when line.StartsWith("Stack overflow", StringComparison.Ordinal) => "a stack overflow",
        _ when line.Contains("OutOfMemoryException", StringComparison.Ordinal) || line.StartsWith("Out of memory", StringComparison.Ordinal) =>
            "running out of memory (the host's heap limit)",
        _ when line.StartsWith("Unhandled exception.", StringComparison.Ordinal) => "an unhandled exception: " + line["Unhandled exception.".Length..].Trim(),
        _ when line.StartsWith("Process terminated.", StringComparison.Ordinal) => "Environment.FailFast: " + line["Process terminated.".Length..].Trim(),
        _ => null,
    };

    private static string Describe(int code, string? fatal)
    {
        var how = code switch
        {
            0 => "exited with code 0 (component code ended the process, as Environment.Exit does)",
            > 128 and < 160 => $"was killed by signal {code - 128}{SignalName(code - 128)}",
            _ => $"exited with code {code}",
        };
        return fatal is null ? how : $"{how} after {fatal}";
    }

    private static string SignalName(int signal) => signal switch
    {
        6 => " (SIGABRT)",
        9 => " (SIGKILL)",
        11 => " (SIGSEGV)",
        15 => " (SIGTERM)",
        _ => "",
    };

    /// <summary>A call in flight; disposing it ends the call.</summary>
    public readonly struct Ticket(ComponentHost host, long id) : IDisposable
    {
        /// <inheritdoc/>
        public void Dispose() => host._inFlight.TryRemove(id, out _);
    }
}
