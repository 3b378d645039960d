using System.Diagnostics;
using System.Text;

namespace Clay.LoadClient;

/// <summary>
/// Drives sequences of cart calls through a server's HTTP API with a fixed number of concurrent
/// clients (each on its own kept-alive HTTP/1.1 connection, <see cref="RawHttpConnection"/>), and
/// measures each phase: latencies, the
/// server's and this process's CPU time, and the server's allocations when its /metrics reports them.
/// </summary>
public sealed class LoadRunner : IDisposable
{
    private readonly HttpClient _http;
    private readonly ITargetDialect _dialect;
    private readonly RawHttpConnection[] _connections;
    private readonly IReadOnlyList<int> _serverPids;
    private readonly string? _metricsPath;
    private string? _firstFailure;

    /// <summary>
    /// A runner against <paramref name="baseUrl"/> with <paramref name="clients"/> connections; with
    /// several addresses separated by commas (the nodes of a cluster), connection <c>c</c> goes to
    /// address <c>c</c> modulo their number. Requests carry <paramref name="authorization"/> when given.
    /// </summary>
    public LoadRunner(string baseUrl, ITargetDialect dialect, int clients, IReadOnlyList<int> serverPids, string? metricsPath, string? authorization = null)
    {
        ArgumentNullException.ThrowIfNull(baseUrl);
        var addresses = baseUrl.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(u => new Uri(u)).ToArray();
        baseUrl = addresses[0].ToString();
        _http = new HttpClient(new SocketsHttpHandler
        {
            MaxConnectionsPerServer = clients,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(10),
            UseProxy = false,
            AutomaticDecompression = System.Net.DecompressionMethods.None,
        })
        { BaseAddress = new Uri(baseUrl), Timeout = TimeSpan.FromMinutes(5) };
        if (authorization is not null) _http.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", authorization);
        _dialect = dialect;
        _connections = Enumerable.Range(0, clients).Select(c => new RawHttpConnection(addresses[c % addresses.Length].Host, addresses[c % addresses.Length].Port, authorization)).ToArray();
        _serverPids = serverPids;
        _metricsPath = metricsPath;
        Clients = clients;
    }

    /// <summary>Concurrent clients.</summary>
    public int Clients { get; }

    /// <summary>When set, every call is appended to this file (see <see cref="LoadOptions.CallsLog"/>).</summary>
    public string? CallsLog { get; init; }

    /// <summary>The first failure seen, for the summary.</summary>
    public string? FirstFailure => _firstFailure;

    /// <summary>
    /// Runs <paramref name="sequences"/>, each one's calls in order by one client, <see cref="Clients"/>
    /// sequences at a time, and returns the phase's figures.
    /// </summary>
    public async Task<PhaseResult> RunAsync(string name, IReadOnlyList<CartCall[]> sequences, CancellationToken cancellationToken)
    {
        var total = sequences.Sum(s => s.Length);
        var latencies = new double[total];
        var startedAt = new double[total];
        var offsets = new int[sequences.Count];
        for (int i = 1, at = sequences.Count > 0 ? sequences[0].Length : 0; i < sequences.Count; at += sequences[i].Length, i++) offsets[i] = at;
        var failed = 0;
        var wrong = 0;
        var allocatedBefore = await AllocatedAsync(cancellationToken);
        var serverBefore = ProcessCpu.OfTrees(_serverPids);
        var clientBefore = ProcessCpu.Of(Environment.ProcessId);
        var clientPausedBefore = GC.GetTotalPauseDuration();
        var phaseStarted = Stopwatch.GetTimestamp();
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, Clients).Select(c => Task.Run(async () =>
        {
            var connection = _connections[c];
            int n;
            while ((n = Interlocked.Increment(ref next)) < sequences.Count)
            {
                var sequence = sequences[n];
                for (var k = 0; k < sequence.Length; k++)
                {
                    var started = Stopwatch.GetTimestamp();
                    var outcome = await CallAsync(connection, sequence[k], cancellationToken);
                    latencies[offsets[n] + k] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                    startedAt[offsets[n] + k] = Stopwatch.GetElapsedTime(phaseStarted, started).TotalMilliseconds;
                    if (outcome == Outcome.Failed) Interlocked.Increment(ref failed);
                    else if (outcome == Outcome.Wrong) Interlocked.Increment(ref wrong);
                }
            }
        }, cancellationToken)));
        var elapsed = Stopwatch.GetElapsedTime(phaseStarted);
        var clientCpu = ProcessCpu.Of(Environment.ProcessId) - clientBefore;
        var clientPaused = GC.GetTotalPauseDuration() - clientPausedBefore;
        var serverAfter = ProcessCpu.OfTrees(_serverPids);
        var serverCpu = ProcessCpu.Between(serverBefore, serverAfter);
        // What the processes the servers started used (a Clay server's component hosts), apart.
        var startedCpu = ProcessCpu.Between(Started(serverBefore), Started(serverAfter));
        var allocatedAfter = await AllocatedAsync(cancellationToken);
        // Written once the phase is measured: the log's writing is not the client's CPU of the phase.
        if (CallsLog is not null) WriteCallsLog(name, sequences, offsets, startedAt, latencies);
        Array.Sort(latencies);
        return new PhaseResult(name, total, elapsed.TotalSeconds, latencies, serverCpu, clientCpu,
            allocatedAfter.Total - allocatedBefore.Total, failed, wrong)
        {
            HostsAllocatedBytes = allocatedAfter.Hosts - allocatedBefore.Hosts,
            HostsCpu = allocatedAfter.Hosts is null ? null : startedCpu,
            ClientGcPause = clientPaused,
        };
    }

    /// <summary>The processes of <paramref name="times"/> other than the servers themselves.</summary>
    private Dictionary<int, TimeSpan> Started(Dictionary<int, TimeSpan> times) =>
        times.Where(p => !_serverPids.Contains(p.Key)).ToDictionary();

    /// <summary>Appends the phase's calls to <see cref="CallsLog"/>, in the order of the sequences.</summary>
    private void WriteCallsLog(string phase, IReadOnlyList<CartCall[]> sequences, int[] offsets, double[] startedAt, double[] latencies)
    {
        var lines = sequences.SelectMany((sequence, n) => sequence.Select((call, k) => FormattableString.Invariant(
            $"{phase} {startedAt[offsets[n] + k]:F1} {latencies[offsets[n] + k]:F2} {k} {call.Component}")));
        File.AppendAllLines(CallsLog!, lines);
    }

    private enum Outcome { Ok, Failed, Wrong }

    private async Task<Outcome> CallAsync(RawHttpConnection connection, CartCall call, CancellationToken cancellationToken)
    {
        var path = _dialect.PathOf(call);
        try
        {
            var (status, body) = await connection.PostAsync(path, _dialect.BodyOf(call), cancellationToken);
            if (status is < 200 or > 299)
            {
                Interlocked.CompareExchange(ref _firstFailure, $"{status} on {path}: {Encoding.UTF8.GetString(body.Span)}", null);
                return Outcome.Failed;
            }
            if (call.Function != CartFunction.GetCartContents) return Outcome.Ok;
            foreach (var name in call.ProductName)
            {
                if (!Holds(body.Span, name)) return Outcome.Wrong;
            }
            return Outcome.Ok;
        }
        catch (IOException ex)
        {
            Interlocked.CompareExchange(ref _firstFailure, ex.Message, null);
            return Outcome.Failed;
        }
    }

    /// <summary>Whether the answer holds the item named exactly <paramref name="name"/> (a JSON string, possibly holding WAVE).</summary>
    private static bool Holds(ReadOnlySpan<byte> body, string name)
    {
        var needle = Encoding.UTF8.GetBytes(name);
        var span = body;
        for (var at = span.IndexOf(needle); at >= 0; at = span.IndexOf(needle))
        {
            var end = at + needle.Length;
            if (end < span.Length && span[end] is (byte)'"' or (byte)'\\') return true;
            span = span[(at + 1)..];
        }
        return false;
    }

    /// <summary>
    /// The server's allocated bytes so far, from its Prometheus /metrics: its runtime's and, for a Clay
    /// server that runs component code in hosts, theirs as they last reported (also given alone); null
    /// when it reports none.
    /// </summary>
    private async Task<(long? Total, long? Hosts)> AllocatedAsync(CancellationToken cancellationToken)
    {
        if (_metricsPath is null) return (null, null);
        var text = await _http.GetStringAsync(_metricsPath, cancellationToken);
        long? total = null;
        long? hosts = null;
        foreach (var line in text.Split('\n'))
        {
            foreach (var name in new[] { ServerMetrics.AllocatedBytes, ServerMetrics.HostsAllocatedBytes })
            {
                if (!line.StartsWith(name, StringComparison.Ordinal) || line.Length == name.Length || line[name.Length] is not (' ' or '{')) continue;
                // name{labels} value [timestamp]
                var value = line[(Math.Max(line.IndexOf('}', StringComparison.Ordinal), name.Length - 1) + 1)..].Trim().Split(' ')[0];
                if (!double.TryParse(value, System.Globalization.CultureInfo.InvariantCulture, out var bytes)) continue;
                total = (total ?? 0) + (long)bytes;
                if (name == ServerMetrics.HostsAllocatedBytes) hosts = (hosts ?? 0) + (long)bytes;
            }
        }
        return (total, hosts);
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _http.Dispose();
        foreach (var connection in _connections) connection.Dispose();
    }
}
