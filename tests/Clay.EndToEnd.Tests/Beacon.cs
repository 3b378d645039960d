using System.Net;
using System.Net.Sockets;

namespace Clay.EndToEnd.Tests;

/// <summary>A local HTTP endpoint a worker calls to say it got somewhere: the test waits on it instead of polling.</summary>
public sealed class Beacon : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly TaskCompletionSource _reached = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Beacon()
    {
        int port;
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }
        Url = $"http://127.0.0.1:{port}/beacon/";
        _listener.Prefixes.Add(Url);
        _listener.Start();
        _ = AnswerAsync();
    }

    public string Url { get; }

    /// <summary>Completes at the first request.</summary>
    public Task Reached => _reached.Task;

    private async Task AnswerAsync()
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
            context.Response.StatusCode = 200;
            context.Response.Close();
            _reached.TrySetResult();
        }
    }

    public void Dispose() => _listener.Close();
}
