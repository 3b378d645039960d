using Clay.Cli.Output;
using Clay.Client;
using Clay.Client.Contracts;

namespace Clay.Cli.Commands;

/// <summary>
/// <c>clay worker oplog C/W --follow</c>: the entries from <c>--from</c> (matching <c>--query</c>),
/// then each new one as it is committed, until Ctrl-C. It polls the oplog's pages: the cursor is
/// the index after the last entry read, so an entry is printed once and none is skipped (the
/// reasons for polling rather than a push are in docs/cli.md).
/// </summary>
internal static class FollowedOplog
{
    /// <summary>The pause between two polls that found nothing new.</summary>
    internal static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(500);

    private const int PageSize = 1000;

    /// <summary>Follows until cancelled; returns the exit code.</summary>
    public static async Task<int> RunAsync(ClayClient client, string component, string worker, long? from, string? query, StreamItemWriter items,
        TimeSpan reconnectTimeout, CancellationToken ct)
    {
        var next = Math.Max(1, from ?? 1);
        var printedThrough = next - 1;
        var retry = new Reconnection(client, component, worker, reconnectTimeout);
        try
        {
            while (true)
            {
                var (entries, end) = await retry.RunAsync(() => ReadNewAsync(client, component, worker, next, query, ct), ct);
                foreach (var entry in entries.Where(e => e.Index > printedThrough))
                {
                    items.Write(entry, ClayJsonContext.Default.OplogEntryDto, o => OplogText.Write(o, entry));
                    printedThrough = entry.Index;
                }
                if (end >= next)
                {
                    next = end + 1;
                    continue;
                }
                await Task.Delay(PollInterval, ct);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Ctrl-C is how following ends: not an error.
            return ExitCodes.Ok;
        }
    }

    /// <summary>
    /// The entries from <paramref name="next"/> on that match, and the last index examined (below
    /// <paramref name="next"/> when nothing is new). At most one page of the unfiltered oplog is
    /// examined per call, so a query that matches nothing costs no more than following without one.
    /// </summary>
    private static async Task<(IReadOnlyList<OplogEntryDto> Entries, long End)> ReadNewAsync(ClayClient client, string component, string worker,
        long next, string? query, CancellationToken ct)
    {
        var page = await client.GetOplogAsync(component, worker, next, PageSize, null, ct);
        if (page.Entries.Count == 0) return ([], next - 1);
        var end = page.Entries[^1].Index;
        if (string.IsNullOrWhiteSpace(query)) return (page.Entries, end);
        // The query is the server's to evaluate: ask again over the same range with it, and keep what
        // lies within the range (later entries are examined by the next call, and printed once).
        var matches = new List<OplogEntryDto>();
        long? from = next;
        while (from is { } start && start <= end)
        {
            var matching = await client.GetOplogAsync(component, worker, start, PageSize, query, ct);
            matches.AddRange(matching.Entries.Where(e => e.Index <= end));
            if (matching.Entries.Count > 0 && matching.Entries[^1].Index >= end) break;
            from = matching.Next;
        }
        return (matches, end);
    }

    /// <summary>Retries a poll while the server is away, up to the reconnect timeout; then <c>stream-lost</c>.</summary>
    private sealed class Reconnection(ClayClient client, string component, string worker, TimeSpan timeout)
    {
        private long? _lostAt;

        public async Task<T> RunAsync<T>(Func<Task<T>> poll, CancellationToken ct)
        {
            while (true)
            {
                try
                {
                    var result = await poll();
                    if (_lostAt is not null) CliConsole.Error.WriteLine("note: reconnected; continuing after the last entry shown.");
                    _lostAt = null;
                    return result;
                }
                catch (ClayApiException ex) when (ex.Code == ClientErrorCodes.ServerUnreachable || ex.StatusCode is 502 or 503 or 504)
                {
                    if (_lostAt is null)
                    {
                        _lostAt = TimeProvider.System.GetTimestamp();
                        CliConsole.Error.WriteLine($"note: lost the server ({ex.Message}); reconnecting…");
                    }
                    else if (TimeProvider.System.GetElapsedTime(_lostAt.Value) > timeout)
                    {
                        throw new ClayApiException(ClientErrorCodes.StreamLost,
                            $"lost {client.Server} while following the oplog of {component}/{worker} and could not reconnect within {timeout.TotalSeconds:0} s", innerException: ex);
                    }
                    await Task.Delay(PollInterval, ct);
                }
            }
        }
    }
}
