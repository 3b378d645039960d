using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Clay.EndToEnd.Tests.Packaging;

/// <summary>
/// Stands for a machine without network: an HTTP proxy on loopback that refuses every connection
/// and remembers what was asked (<c>CONNECT api.nuget.org:443</c>). Processes given it as
/// HTTPS_PROXY and HTTP_PROXY reach nothing, and a test can tell whether they tried.
/// </summary>
public sealed class RefusingProxy : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly List<string> _requests = [];
    private readonly Task _accepting;

    public RefusingProxy()
    {
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public string Url => $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";

    /// <summary>The first line of every request made through the proxy.</summary>
    public IReadOnlyList<string> Requests
    {
        get { lock (_requests) return [.. _requests]; }
    }

    private async Task AcceptAsync()
    {
        while (true)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptSocketAsync();
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
            {
                return;
            }
            using (socket)
            {
                var buffer = new byte[512];
                var read = await socket.ReceiveAsync(buffer, SocketFlags.None).WaitAsync(TimeSpan.FromSeconds(5)).ContinueWith(t => t.IsCompletedSuccessfully ? t.Result : 0);
                var line = Encoding.ASCII.GetString(buffer, 0, read).Split('\n')[0].Trim();
                lock (_requests) _requests.Add(line.Length > 0 ? line : "(a connection that sent nothing)");
                await socket.SendAsync("HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"u8.ToArray(), SocketFlags.None);
            }
        }
    }

    public void Dispose()
    {
        _listener.Stop();
        _accepting.Wait(TimeSpan.FromSeconds(5));
    }
}
