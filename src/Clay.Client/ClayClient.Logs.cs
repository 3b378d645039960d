using System.Globalization;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using Clay.Client.Logs;

namespace Clay.Client;

public sealed partial class ClayClient
{
    /// <summary>
    /// Opens a worker's live log stream. With <paramref name="after"/>, the lines after that oplog
    /// index come first (from the oplog and the server's memory), then the live ones; without it, the
    /// stream starts with the next line written. Throws at once when the first connection fails
    /// (<c>server-unreachable</c>, <c>component-not-found</c>…); later drops are reconnected (see <see cref="WorkerLogStream"/>).
    /// </summary>
    public async Task<WorkerLogStream> OpenLogStreamAsync(string component, string worker, long? after = null, LogStreamOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        var stream = new WorkerLogStream((cursor, ct) => ConnectLogsAsync(component, worker, cursor, ct), after, options ?? new LogStreamOptions(),
            TimeProvider.System, $"{component}/{worker}");
        try
        {
            await stream.ConnectAsync(cancellationToken);
        }
        catch
        {
            await stream.DisposeAsync();
            throw;
        }
        return stream;
    }

    /// <summary>A worker's log lines and stream events, as <see cref="OpenLogStreamAsync"/> reads them, until cancelled.</summary>
    public async IAsyncEnumerable<WorkerLogEvent> StreamLogsAsync(string component, string worker, long? after = null, LogStreamOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await using var stream = await OpenLogStreamAsync(component, worker, after, options, cancellationToken);
        while (true) yield return await stream.ReadAsync(cancellationToken);
    }

    /// <summary>One connection to the log stream, resuming after <paramref name="cursor"/>; the response once its headers arrived.</summary>
    private async Task<HttpResponseMessage> ConnectLogsAsync(string component, string worker, long? cursor, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, ApiPaths.Worker(component, worker) + "/logs");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        if (cursor is { } after) request.Headers.Add("Last-Event-ID", after.ToString(CultureInfo.InvariantCulture));
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
        }
        catch (HttpRequestException ex) when (IsUnreachable(ex))
        {
            throw Unreachable(ex);
        }
        if (response.IsSuccessStatusCode) return response;
        using (response)
        {
            throw Failure(request, response, await response.Content.ReadAsStringAsync(ct));
        }
    }
}
