using Clay.Runtime.Oplog.Codec;
using Clay.Runtime.Oplog.Display;
using Clay.Runtime.Oplog.Query;
using Clay.Runtime.Storage;
using Clay.Runtime.Execution;
using Clay.Runtime.Wave;

namespace Clay.Server.Api;

/// <summary>
/// <c>GET …/workers/{worker}/oplog?from=N&amp;count=M&amp;query=Q</c>: entries for display, filtered by a query.
/// One request scans for at most <c>--query-timeout</c>; then it answers with what it found and
/// <c>next</c> where to go on (it always scans at least one entry, so paging makes progress).
/// </summary>
public static class OplogEndpoint
{
    /// <summary>Reads a page of matching entries.</summary>
    public static async Task<OplogPageDto> ReadAsync(string component, string worker, long? from, int? count, string? query,
        IOplogStore store, Hosting.ServerOptions options, CancellationToken ct)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var id = WorkerEndpoints.Id(component, worker);
        if (await store.GetLastIndexAsync(id, ct) == 0) throw new WorkerNotFoundException(id);
        var filter = string.IsNullOrWhiteSpace(query) ? null : OplogQuery.Parse(query);
        var limit = Math.Clamp(count ?? 1000, 1, 10_000);
        var entries = new List<OplogEntryDto>();
        long? next = null;
        await foreach (var stored in store.ReadAsync(id, Math.Max(1, from ?? 1), long.MaxValue, ct))
        {
            if (stored.Index > Math.Max(1, from ?? 1) && System.Diagnostics.Stopwatch.GetElapsedTime(started) > options.QueryTimeout)
            {
                next = stored.Index;
                break;
            }
            var entry = OplogCodec.Decode(stored.Payload.Span);
            if (filter is not null && !filter.Matches(entry)) continue;
            if (entries.Count == limit)
            {
                next = stored.Index;
                break;
            }
            var display = OplogEntryFormatter.Format(entry, WavePrinter.Print);
            entries.Add(new OplogEntryDto(stored.Index, entry.Timestamp, display.Kind,
                display.Fields.Select(f => (IReadOnlyList<string>)[f.Name, f.Value]).ToList()));
        }
        return new OplogPageDto(entries, next);
    }
}
