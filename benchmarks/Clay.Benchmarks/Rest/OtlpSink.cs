using System.Net;
using System.Net.Sockets;

namespace Clay.Benchmarks.Rest;

/// <summary>A loopback OTLP/HTTP endpoint that takes every export, counts it and its bytes, and answers 200.</summary>
public sealed class OtlpSink : IDisposable
{
    private readonly HttpListener _listener = new();
    private long _exports;
    private long _bytes;

    public OtlpSink()
    {
        int port;
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }
        Url = $"http://127.0.0.1:{port}";
        _listener.Prefixes.Add(Url + "/");
        _listener.Start();
        _ = ServeAsync();
    }

    /// <summary>The base address to export to (<c>--otlp-endpoint</c>).</summary>
    public string Url { get; }

    /// <summary>Export requests received so far.</summary>
    public long Exports => Interlocked.Read(ref _exports);

    /// <summary>Bytes of export requests received so far.</summary>
    public long Bytes => Interlocked.Read(ref _bytes);

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception) when (!_listener.IsListening)
            {
                return;
            }
            var buffer = new byte[65536];
            int read;
            long total = 0;
            while ((read = await context.Request.InputStream.ReadAsync(buffer)) > 0) total += read;
            Interlocked.Add(ref _bytes, total);
            Interlocked.Increment(ref _exports);
            context.Response.StatusCode = 200;
            context.Response.Close();
        }
    }

    public void Dispose()
    {
        // Close alone: after Stop, .NET's listener binds the port again on its way out of Close, which throws
        // "Address already in use" when anything holds the port by then.
        _listener.Close();
    }
}
