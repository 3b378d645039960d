using System.Net;
using System.Net.Sockets;

namespace Clay.Runtime.Tests.Execution;

/// <summary>
/// A local HTTP server that counts the requests it receives. A test can hold the responses back
/// to crash an executor while a request is in flight.
/// </summary>
public sealed class CountingHttpServer : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Task _loop;
    private int _requests;

    public CountingHttpServer()
    {
        var port = FreePort();
        Url = $"http://127.0.0.1:{port}/";
        _listener.Prefixes.Add(Url);
        _listener.Start();
        _loop = Task.Run(ServeAsync);
    }

    public string Url { get; }

    public int Requests => Volatile.Read(ref _requests);

    /// <summary>The W3C <c>traceparent</c> header of each request received ("" when it had none).</summary>
    public System.Collections.Concurrent.ConcurrentQueue<string> Traceparents { get; } = new();

    /// <summary>Completed when a request has arrived (before it is answered).</summary>
    public TaskCompletionSource RequestArrived { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Responses wait for this; it is open unless a test closes it first.</summary>
    public TaskCompletionSource Release { get; set; } = Open();

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
            Traceparents.Enqueue(context.Request.Headers["traceparent"] ?? "");
            var n = Interlocked.Increment(ref _requests);
            using var reader = new StreamReader(context.Request.InputStream);
            var body = await reader.ReadToEndAsync();
            RequestArrived.TrySetResult();
            await Release.Task;
            var reply = System.Text.Encoding.UTF8.GetBytes($"call {n}: {body}");
            context.Response.StatusCode = 200;
            context.Response.Headers["X-Call"] = n.ToString();
            await context.Response.OutputStream.WriteAsync(reply);
            context.Response.Close();
        }
    }

    private static TaskCompletionSource Open()
    {
        var tcs = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        tcs.SetResult();
        return tcs;
    }

    private static int FreePort()
    {
        using var socket = new TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        return ((IPEndPoint)socket.LocalEndpoint).Port;
    }

    public void Dispose()
    {
        // Close alone: after Stop, .NET's listener binds the port again on its way out of Close, which throws
        // "Address already in use" when anything holds the port by then.
        _listener.Close();
    }
}
