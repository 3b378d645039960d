using System.Net;
using System.Text.Json;
using Clay.Client.Contracts;

namespace Clay.Client.Logs;

/// <summary>
/// A worker's live log lines (<c>GET …/workers/{worker}/logs</c>, server-sent events) that survive
/// the connection: when it drops — the network, an overloaded reader dropped by the server, a
/// server restart — the stream reconnects with <c>Last-Event-ID</c> set to the last line it
/// delivered, so the server resumes after it, from the oplog or from its memory. A line is never
/// delivered twice, and none is lost that the server still has. Read it with <see cref="ReadAsync"/>
/// from one caller at a time.
/// </summary>
/// <remarks>
/// The first connection is made by <see cref="ClayClient.OpenLogStreamAsync"/> and fails at once
/// (<c>worker-not-found</c>, <c>server-unreachable</c>…); after that, a lost connection is retried,
/// with <see cref="WorkerLogEvent.Disconnected"/> and <see cref="WorkerLogEvent.Reconnected"/>
/// reported, until <see cref="LogStreamOptions.ReconnectTimeout"/> passes without success: then
/// <see cref="ReadAsync"/> throws <c>stream-lost</c>.
/// </remarks>
public sealed class WorkerLogStream : IAsyncDisposable
{
    private static readonly TimeSpan LongestRetryDelay = TimeSpan.FromSeconds(2);

    private readonly Func<long?, CancellationToken, Task<HttpResponseMessage>> _connect;
    private readonly LogStreamOptions _options;
    private readonly TimeProvider _time;
    private readonly LogCursor _cursor;
    private readonly string _description;
    private HttpResponseMessage? _response;
    private StreamReader? _reader;
    private ServerSentEventParser _parser = new();
    private long? _lostAt;
    private string _lostReason = "";
    private TimeSpan _retryDelay;
    private bool _retryNow;

    internal WorkerLogStream(Func<long?, CancellationToken, Task<HttpResponseMessage>> connect, long? after, LogStreamOptions options,
        TimeProvider time, string description)
    {
        _connect = connect;
        _options = options;
        _time = time;
        _cursor = new LogCursor(after);
        _description = description;
        _retryDelay = options.FirstRetryDelay;
    }

    /// <summary>The oplog index of the last line delivered, or where the stream started; null when it started live without one.</summary>
    public long? Position => _cursor.Position;

    /// <summary>Makes the first connection; errors are not retried.</summary>
    internal async Task ConnectAsync(CancellationToken cancellationToken) => Attach(await _connect(_cursor.Position, cancellationToken));

    /// <summary>The next line or stream event; waits for it. Throws <c>stream-lost</c> when the server stays away.</summary>
    public async ValueTask<WorkerLogEvent> ReadAsync(CancellationToken cancellationToken = default)
    {
        while (true)
        {
            if (_reader is null)
            {
                if (await ReconnectAsync(cancellationToken) is { } news) return news;
                continue;
            }
            string? line;
            try
            {
                line = await _reader.ReadLineAsync(cancellationToken).AsTask().WaitAsync(_options.IdleTimeout, cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
            catch (TimeoutException)
            {
                return Lose($"nothing arrived for {_options.IdleTimeout.TotalSeconds:0} s");
            }
            catch (Exception ex) when (ex is IOException or HttpRequestException or ObjectDisposedException or OperationCanceledException)
            {
                return Lose(ex.Message);
            }
            if (line is null) return Lose("the server closed the connection");
            if (_parser.Feed(line) is not { } sse) continue;
            switch (sse.Name)
            {
                case "log":
                    var value = Parse(sse, ClayJsonContext.Default.LogLineDto);
                    if (_cursor.Accept(value.Index)) return new WorkerLogEvent.Line(value);
                    break;
                case "gap":
                    return new WorkerLogEvent.Gap(Parse(sse, ClayJsonContext.Default.LogGapDto));
                case "overflow":
                    // This reader fell behind and the server let it go: pick up from the cursor at once.
                    Detach();
                    _retryNow = true;
                    break;
            }
        }
    }

    /// <inheritdoc/>
    public ValueTask DisposeAsync()
    {
        Detach();
        return ValueTask.CompletedTask;
    }

    /// <summary>One attempt to reconnect; returns news for the reader (disconnected, reconnected) or null to go on reading.</summary>
    private async Task<WorkerLogEvent?> ReconnectAsync(CancellationToken cancellationToken)
    {
        if (_lostAt is { } lost && _time.GetElapsedTime(lost) > _options.ReconnectTimeout)
        {
            throw new ClayApiException(ClientErrorCodes.StreamLost,
                $"lost the log stream of {_description} ({_lostReason}) and could not reconnect within {_options.ReconnectTimeout.TotalSeconds:0} s; "
                + (Position is { } at ? $"continue with --after {at}" : "no line was shown"));
        }
        if (!_retryNow)
        {
            await Task.Delay(_retryDelay, _time, cancellationToken);
            _retryDelay = TimeSpan.FromTicks(Math.Min(_retryDelay.Ticks * 2, LongestRetryDelay.Ticks));
        }
        _retryNow = false;
        try
        {
            Attach(await _connect(_cursor.Position, cancellationToken));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex) when (Retryable(ex))
        {
            if (_lostAt is not null) return null;
            return Lose(ex.Message);
        }
        _retryDelay = _options.FirstRetryDelay;
        if (_lostAt is null) return null;
        _lostAt = null;
        return new WorkerLogEvent.Reconnected(Position);
    }

    private WorkerLogEvent Lose(string reason)
    {
        Detach();
        _lostAt ??= _time.GetTimestamp();
        _lostReason = reason;
        return new WorkerLogEvent.Disconnected(reason, Position);
    }

    private void Attach(HttpResponseMessage response)
    {
        _response = response;
        // The response stream is read line by line; the connection stays open as long as the server keeps it.
        _reader = new StreamReader(response.Content.ReadAsStream(), System.Text.Encoding.UTF8);
        _parser = new ServerSentEventParser();
    }

    private void Detach()
    {
        _reader?.Dispose();
        _reader = null;
        _response?.Dispose();
        _response = null;
    }

    /// <summary>Failures that a later attempt may not meet: the server is away, restarting or stopping.</summary>
    private static bool Retryable(Exception ex) => ex switch
    {
        ClayApiException api => api.Code is ClientErrorCodes.ServerUnreachable
            || api.StatusCode is (int)HttpStatusCode.BadGateway or (int)HttpStatusCode.ServiceUnavailable or (int)HttpStatusCode.GatewayTimeout,
        HttpRequestException or IOException => true,
        OperationCanceledException => true,
        _ => false,
    };

    private T Parse<T>(ServerSentEvent sse, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type)
    {
        try
        {
            return JsonSerializer.Deserialize(sse.Data, type) ?? throw new JsonException("the data is null");
        }
        catch (JsonException ex)
        {
            throw new ClayApiException(ClientErrorCodes.ServerError,
                $"the log stream of {_description} sent a '{sse.Name}' event that is not a {typeof(T).Name}: {ex.Message}", innerException: ex);
        }
    }
}
