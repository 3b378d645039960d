using System.Buffers.Text;
using System.Net.Sockets;
using System.Text;

namespace Clay.LoadClient;

/// <summary>
/// One kept-alive HTTP/1.1 connection that sends a POST and reads its answer, and nothing more:
/// no handler pipeline, no header collections, one reused buffer. The load client's CPU per call is
/// part of what the benchmark reports, and it shares the machine's cores with the server measured.
/// Understands answers with Content-Length or chunked transfer encoding.
/// </summary>
public sealed class RawHttpConnection : IDisposable
{
    private readonly string _host;
    private readonly int _port;
    private readonly string _authorization;
    private Socket? _socket;
    private byte[] _buffer = new byte[16 * 1024];

    /// <summary>A connection to <paramref name="host"/>:<paramref name="port"/>, opened on first use; requests carry <paramref name="authorization"/> when given.</summary>
    public RawHttpConnection(string host, int port, string? authorization = null)
    {
        _host = host;
        _port = port;
        _authorization = authorization is null ? "" : $"Authorization: {authorization}\r\n";
    }

    /// <summary>
    /// POSTs <paramref name="body"/> as JSON to <paramref name="path"/>; returns the status and the
    /// body (valid until the next call). A broken connection is dropped and opened again next time.
    /// </summary>
    public async Task<(int Status, ReadOnlyMemory<byte> Body)> PostAsync(string path, byte[] body, CancellationToken cancellationToken)
    {
        try
        {
            return await ExchangeAsync(path, body, cancellationToken);
        }
        catch (Exception ex) when (ex is IOException or SocketException or InvalidOperationException)
        {
            _socket?.Dispose();
            _socket = null;
            throw new IOException($"POST {path}: {ex.Message}", ex);
        }
    }

    private async Task<(int Status, ReadOnlyMemory<byte> Body)> ExchangeAsync(string path, byte[] body, CancellationToken cancellationToken)
    {
        if (_socket is null)
        {
            _socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            await _socket.ConnectAsync(_host, _port, cancellationToken);
        }
        var head = Encoding.ASCII.GetBytes($"POST {path} HTTP/1.1\r\nHost: {_host}:{_port}\r\n{_authorization}Content-Type: application/json\r\nContent-Length: {body.Length}\r\n\r\n");
        await _socket.SendAsync(head, cancellationToken);
        if (body.Length > 0) await _socket.SendAsync(body, cancellationToken);

        var filled = 0;
        int headerEnd;
        while ((headerEnd = _buffer.AsSpan(0, filled).IndexOf(HttpHead.End)) < 0) filled = await ReceiveAsync(filled, cancellationToken);
        var (status, length) = HttpHead.Parse(_buffer.AsSpan(0, headerEnd + 2));
        var bodyStart = headerEnd + 4;
        if (length < 0) return (status, await ReadChunkedAsync(bodyStart, filled, cancellationToken));
        while (filled < bodyStart + length) filled = await ReceiveAsync(filled, cancellationToken);
        if (filled != bodyStart + length) throw new InvalidOperationException("more bytes than the answer holds");
        return (status, _buffer.AsMemory(bodyStart, length));
    }

    /// <summary>Decodes a chunked body in place, reading until its last chunk.</summary>
    private async Task<ReadOnlyMemory<byte>> ReadChunkedAsync(int at, int filled, CancellationToken cancellationToken)
    {
        var bodyStart = at;
        var bodyEnd = at;
        while (true)
        {
            int lineEnd;
            while ((lineEnd = _buffer.AsSpan(at, filled - at).IndexOf("\r\n"u8)) < 0) filled = await ReceiveAsync(filled, cancellationToken);
            var sizeText = _buffer.AsSpan(at, lineEnd);
            var semicolon = sizeText.IndexOf((byte)';');
            if (semicolon >= 0) sizeText = sizeText[..semicolon];
            if (!Utf8Parser.TryParse(sizeText, out int size, out _, 'x')) throw new InvalidOperationException("a malformed chunk size");
            var dataStart = at + lineEnd + 2;
            while (filled < dataStart + size + 2) filled = await ReceiveAsync(filled, cancellationToken);
            if (size == 0) return _buffer.AsMemory(bodyStart, bodyEnd - bodyStart);
            _buffer.AsSpan(dataStart, size).CopyTo(_buffer.AsSpan(bodyEnd));
            bodyEnd += size;
            at = dataStart + size + 2;
        }
    }

    private async Task<int> ReceiveAsync(int filled, CancellationToken cancellationToken)
    {
        if (filled == _buffer.Length) Array.Resize(ref _buffer, _buffer.Length * 2);
        var read = await _socket!.ReceiveAsync(_buffer.AsMemory(filled), cancellationToken);
        if (read == 0) throw new IOException("the server closed the connection");
        return filled + read;
    }

    /// <inheritdoc/>
    public void Dispose() => _socket?.Dispose();
}
