using Clay.Runtime.Execution;
using Clay.Runtime.Oplog.Query;
using Clay.Runtime.Storage;
using Clay.Runtime.Wave;

namespace Clay.Runtime.Oplog.Display;

/// <summary>One oplog entry prepared for display.</summary>
/// <param name="Index">Its index.</param>
/// <param name="Timestamp">When it was written.</param>
/// <param name="Kind">Its kebab-case kind.</param>
/// <param name="Fields">Its fields in display order.</param>
public sealed record OplogPageEntry(long Index, DateTimeOffset Timestamp, string Kind, IReadOnlyList<DisplayField> Fields)
{
    /// <summary>
    /// The entry exactly as the oplog holds it (Clay's oplog codec, see docs/oplog-format.md), when the
    /// page was read for an export; empty otherwise. Only the runtime decodes it.
    /// </summary>
    public ReadOnlyMemory<byte> Encoded { get; init; }
}

/// <summary>A page of a worker's durable oplog, filtered by a query.</summary>
/// <param name="Entries">The matching entries, in index order.</param>
/// <param name="Next">Where the next page starts, or null at the end.</param>
public sealed record OplogPage(IReadOnlyList<OplogPageEntry> Entries, long? Next)
{
    /// <summary>
    /// Reads up to <paramref name="count"/> entries matching <paramref name="query"/> from <paramref name="from"/> on.
    /// A read that has scanned for <paramref name="timeLimit"/> stops there and answers what it found
    /// with <see cref="Next"/> where to go on; it always scans at least one entry, so paging progresses.
    /// </summary>
    /// <exception cref="WorkerNotFoundException">The worker has no oplog.</exception>
    /// <exception cref="Errors.ClayException"><c>invalid-oplog-query</c>, also for a regex that takes too long on one entry.</exception>
    public static Task<OplogPage> ReadAsync(IOplogStore store, WorkerId worker, long from, int count, string? query,
        TimeSpan? timeLimit, CancellationToken cancellationToken) =>
        ReadAsync(store, worker, from, count, query, timeLimit, encoded: false, cancellationToken);

    /// <summary>
    /// As <see cref="ReadAsync(IOplogStore, WorkerId, long, int, string?, TimeSpan?, CancellationToken)"/>; with
    /// <paramref name="encoded"/> each entry also carries its encoded bytes (<see cref="OplogPageEntry.Encoded"/>), for an export.
    /// </summary>
    public static async Task<OplogPage> ReadAsync(IOplogStore store, WorkerId worker, long from, int count, string? query, TimeSpan? timeLimit,
        bool encoded, CancellationToken cancellationToken)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        ArgumentNullException.ThrowIfNull(store);
        var filter = string.IsNullOrWhiteSpace(query) ? null : OplogQuery.Parse(query);
        if (await store.GetLastIndexAsync(worker, cancellationToken) == 0) throw new WorkerNotFoundException(worker);
        var entries = new List<OplogPageEntry>();
        await foreach (var stored in store.ReadAsync(worker, Math.Max(1, from), long.MaxValue, cancellationToken))
        {
            if (stored.Index > Math.Max(1, from) && System.Diagnostics.Stopwatch.GetElapsedTime(started) > timeLimit) return new OplogPage(entries, stored.Index);
            var entry = RecoveryWindow.Decode(worker, stored);
            var display = OplogEntryFormatter.Format(entry, WavePrinter.Print);
            if (filter is not null && !filter.Matches(display)) continue;
            if (entries.Count == count) return new OplogPage(entries, stored.Index);
            entries.Add(new OplogPageEntry(stored.Index, entry.Timestamp, display.Kind, display.Fields)
            {
                Encoded = encoded ? stored.Payload.ToArray() : ReadOnlyMemory<byte>.Empty,
            });
        }
        return new OplogPage(entries, null);
    }
}
