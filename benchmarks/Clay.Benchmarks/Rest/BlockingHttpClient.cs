using System.Buffers.Text;
using System.Net.Sockets;
using System.Text;

namespace Clay.Benchmarks.Rest;

/// <summary>
/// The leanest client of one kept-alive HTTP/1.1 connection: a request prepared once, sent and
/// answered with blocking socket calls on the caller's thread (no event loop, no thread-pool
/// hand-off, no handler pipeline), as a latency probe such as <c>wrk</c> would. What it measures is
/// the server's round trip with as little of the client's own in it as the loopback allows.
/// </summary>
public sealed class BlockingHttpClient : IDisposable
{
    private static readonly byte[] HeaderEnd = "\r\n\r\n"u8.ToArray();
    private static readonly byte[] LastChunk = "\r\n0\r\n\r\n"u8.ToArray();
    private static readonly byte[] ContentLength = "\r\ncontent-length:"u8.ToArray();
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
        while ((headerEnd = _buffer.AsSpan(0, filled).IndexOf(HeaderEnd)) < 0) filled = Receive(filled);
        var status = _buffer[9] - '0';
        var headers = _buffer.AsSpan(0, headerEnd + 2);
        var at = IndexOfIgnoreCase(headers, ContentLength);
        if (at < 0)
        {
            // Chunked: read up to the last chunk (JSON never holds a raw CR LF, so its marker cannot occur inside).
            while (_buffer.AsSpan(headerEnd, filled - headerEnd).IndexOf(LastChunk) < 0) filled = Receive(filled);
            if (status != 2) throw new InvalidOperationException($"HTTP {Encoding.ASCII.GetString(_buffer, 9, 3)}");
            return;
        }
        var value = headers[(at + ContentLength.Length)..];
        value = value[..value.IndexOf((byte)'\r')].Trim((byte)' ');
        if (!Utf8Parser.TryParse(value, out int length, out _)) throw new InvalidOperationException("a malformed Content-Length");
        while (filled < headerEnd + 4 + length) filled = Receive(filled);
        if (status != 2) throw new InvalidOperationException($"HTTP {Encoding.ASCII.GetString(_buffer, 9, 3)}: {Encoding.UTF8.GetString(_buffer, headerEnd + 4, length)}");
    }

    private int Receive(int filled)
    {
        var read = _socket.Receive(_buffer.AsSpan(filled));
        if (read == 0) throw new IOException("the server closed the connection");
        return filled + read;
    }

    private static int IndexOfIgnoreCase(ReadOnlySpan<byte> text, ReadOnlySpan<byte> lowerNeedle)
    {
        for (var i = 0; i + lowerNeedle.Length <= text.Length; i++)
        {
            var match = true;
            for (var j = 0; j < lowerNeedle.Length && match; j++)
            {
                var c = text[i + j];
                match = (c is >= (byte)'A' and <= (byte)'Z' ? (byte)(c | 0x20) : c) == lowerNeedle[j];
            }
            if (match) return i;
        }
        return -1;
    }

    /// <inheritdoc/>
    public void Dispose() => _socket.Dispose();
}
