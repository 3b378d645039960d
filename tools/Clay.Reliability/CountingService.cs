using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Clay.Reliability;

/// <summary>
/// The external service the ledger charges: a local HTTP endpoint that counts the POSTs it receives
/// per charge id, so the harness can tell whether an effect ran twice.
/// </summary>
public sealed class CountingService : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly ConcurrentDictionary<string, int> _calls = new(StringComparer.Ordinal);
    private readonly Task _loop;

    /// <summary>Starts listening on a free loopback port.</summary>
    public CountingService()
    {
        int port;
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }
        Url = $"http://127.0.0.1:{port}/charge/";
        _listener.Prefixes.Add(Url);
        _listener.Start();
        _loop = Task.Run(LoopAsync);
    }

    /// <summary>Where to POST charges.</summary>
    public string Url { get; }

    /// <summary>How many POSTs each charge id received.</summary>
    public IReadOnlyDictionary<string, int> Calls => _calls;

    private async Task LoopAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }
            _ = Task.Run(async () =>
            {
                using var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8);
                var id = await reader.ReadToEndAsync();
                var count = _calls.AddOrUpdate(id, 1, (_, n) => n + 1);
                var body = Encoding.UTF8.GetBytes($"charged {id} ({count})");
                context.Response.ContentType = "text/plain";
                context.Response.ContentLength64 = body.Length;
                await context.Response.OutputStream.WriteAsync(body);
                context.Response.Close();
            });
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        // Close alone: after Stop, .NET's listener binds the port again on its way out of Close, which throws
        // "Address already in use" when anything holds the port by then.
        _listener.Close();
        try { _loop.Wait(TimeSpan.FromSeconds(5)); } catch (AggregateException) { }
    }
}
