using System.Net.Sockets;
using System.Text;
using Clay.LoadClient;

namespace Clay.Benchmarks.Rest;

/// <summary>
/// The leanest client of one kept-alive HTTP/1.1 connection: a request prepared once, sent and
/// answered with blocking socket calls on the caller's thread (no event loop, no thread-pool
/// hand-off, no handler pipeline), as a latency probe such as <c>wrk</c> would. What it measures is
/// the server's round trip with as little of the client's own in it as the loopback allows.
/// </summary>
public sealed class BlockingHttpClient : IDisposable
{
    private static readonly byte[] LastChunk = "\r\n0\r\n\r\n"u8.ToArray();
    private readonly Socket _socket;
    private readonly byte[] _buffer = new byte[64 * 1024];

    /// <summary>Connects to <paramref name="url"/>'s host and port.</summary>
    public BlockingHttpClient(Uri url)
    {
        _socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        _socket.Connect(url.Host, url.Port);
    }

    /// <summary>A request for <paramref name="method"/> <paramref name="path"/>, with a JSON body when given, ready to send again and again.</summary>
    public static byte[] Request(Uri url, string method, string path, string? token, string? jsonBody = null)
    {
        var body = jsonBody is null ? [] : Encoding.UTF8.GetBytes(jsonBody);
        var head = new StringBuilder($"{method} {path} HTTP/1.1\r\nHost: {url.Host}:{url.Port}\r\n");
        if (token is not null) head.Append($"Authorization: Bearer {token}\r\n");
        if (jsonBody is not null) head.Append($"Content-Type: application/json\r\nContent-Length: {body.Length}\r\n");
        head.Append("\r\n");
        return [.. Encoding.ASCII.GetBytes(head.ToString()), .. body];
    }

    /// <summary>Sends <paramref name="request"/> and reads the whole answer; throws unless its status is 2xx.</summary>
    public void Exchange(byte[] request)
    {
        _socket.Send(request);
        var filled = 0;
        int headerEnd;
        while ((headerEnd = _buffer.AsSpan(0, filled).IndexOf(HttpHead.End)) < 0) filled = Receive(filled);
        var (status, length) = HttpHead.Parse(_buffer.AsSpan(0, headerEnd + 2));
        if (length < 0)
        {
            // Chunked: read up to the last chunk (JSON never holds a raw CR LF, so its marker cannot occur inside).
            while (_buffer.AsSpan(headerEnd, filled - headerEnd).IndexOf(LastChunk) < 0) filled = Receive(filled);
        }
        else
        {
            while (filled < headerEnd + 4 + length) filled = Receive(filled);
        }
        if (status is < 200 or > 299) throw new InvalidOperationException($"HTTP {status}: {Encoding.UTF8.GetString(_buffer, headerEnd + 4, filled - headerEnd - 4)}");
    }

    private int Receive(int filled)
    {
        var read = _socket.Receive(_buffer.AsSpan(filled));
        if (read == 0) throw new IOException("the server closed the connection");
        return filled + read;
    }

    /// <inheritdoc/>
    public void Dispose() => _socket.Dispose();
}
