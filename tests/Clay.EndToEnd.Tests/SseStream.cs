using System.Text;

namespace Clay.EndToEnd.Tests;

/// <summary>One server-sent event.</summary>
public sealed record SseEvent(string? Id, string Name, string Data);

/// <summary>Reads server-sent events from a streaming response.</summary>
public sealed class SseStream : IAsyncDisposable
{
    private readonly HttpResponseMessage _response;
    private readonly StreamReader _reader;

    private SseStream(HttpResponseMessage response, Stream body)
    {
        _response = response;
        _reader = new StreamReader(body, Encoding.UTF8);
    }

    /// <summary>Opens <paramref name="path"/>, optionally resuming after <paramref name="lastEventId"/>.</summary>
    public static async Task<SseStream> OpenAsync(HttpClient http, string path, string? lastEventId = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Accept.ParseAdd("text/event-stream");
        if (lastEventId is not null) request.Headers.Add("Last-Event-ID", lastEventId);
        var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        if (!response.IsSuccessStatusCode)
        {
            // Only an error answer has an end to read: a stream's body never ends.
            Assert.Fail($"GET {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        return new SseStream(response, await response.Content.ReadAsStreamAsync());
    }

    /// <summary>The next event (comments and retry lines skipped); null when the stream ended. Fails after 60 s.</summary>
    public async Task<SseEvent?> NextAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        string? id = null, name = null;
        var data = new StringBuilder();
        while (await _reader.ReadLineAsync(timeout.Token) is { } line)
        {
            if (line.Length == 0)
            {
                if (name is null && data.Length == 0) continue;
                return new SseEvent(id, name ?? "message", data.ToString());
            }
            if (line.StartsWith(':')) continue;
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            var field = colon < 0 ? line : line[..colon];
            var value = colon < 0 ? "" : line[(colon + 1)..].TrimStart(' ');
            switch (field)
            {
                case "id": id = value; break;
                case "event": name = value; break;
                case "data": data.Append(value); break;
            }
        }
        return null;
    }

    /// <summary>Reads events until <paramref name="count"/> of name <paramref name="name"/> arrived (others are returned too).</summary>
    public async Task<List<SseEvent>> TakeAsync(string name, int count)
    {
        var events = new List<SseEvent>();
        while (events.Count(e => e.Name == name) < count)
        {
            var next = await NextAsync() ?? throw new InvalidOperationException(
                $"the stream ended after {events.Count} events: {string.Join(", ", events.Select(e => e.Name))}");
            events.Add(next);
        }
        return events;
    }

    public async ValueTask DisposeAsync()
    {
        _reader.Dispose();
        _response.Dispose();
        await Task.CompletedTask;
    }
}
