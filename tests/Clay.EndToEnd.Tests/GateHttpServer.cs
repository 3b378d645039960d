using System.Net;
using System.Net.Sockets;
using Clay.Reliability;

namespace Clay.EndToEnd.Tests;

/// <summary>
/// A loopback HTTP server whose one answer waits on a gate: a worker calling it is held in the
/// middle of an invocation (inside an effect) until the test opens the gate, and the test knows
/// the moment the call arrived.
/// </summary>
public sealed class GateHttpServer : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly TaskCompletionSource _arrived = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _gate = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Task _serving;

    public GateHttpServer()
    {
        Url = $"http://127.0.0.1:{LoopbackPorts.Free()}/";
        _listener.Prefixes.Add(Url);
        _listener.Start();
        _serving = ServeAsync();
    }

    public string Url { get; }

    /// <summary>Completes when the first request arrives.</summary>
    public Task Arrived => _arrived.Task;

    /// <summary>Lets the held request be answered.</summary>
    public void Open() => _gate.TrySetResult();

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException)
            {
                return;
            }
            _arrived.TrySetResult();
            await _gate.Task;
            var body = "released"u8.ToArray();
            context.Response.ContentLength64 = body.Length;
            await context.Response.OutputStream.WriteAsync(body);
            context.Response.Close();
        }
    }

    public void Dispose()
    {
        _gate.TrySetResult();
        _listener.Close();
        try { _serving.Wait(TimeSpan.FromSeconds(10)); } catch (AggregateException) { }
    }
}
