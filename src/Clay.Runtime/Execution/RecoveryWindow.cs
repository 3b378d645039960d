using Clay.Runtime.Errors;
using Clay.Runtime.Oplog;
using Clay.Runtime.Oplog.Codec;
using Clay.Runtime.Storage;

namespace Clay.Runtime.Execution;

/// <summary>
/// The part of a worker's oplog that recovery reads. With a snapshot, that is the oplog read
/// backwards from its end to the latest snapshot — and further back only as far as the retained
/// idempotency keys and the oldest still-pending invocation need — plus the construction at its start
/// (the create entry and the constructor's effects). Without one, it is the whole oplog. Reverts met on
/// the way are applied as they are read; updates behind the snapshot are already in its state, so only
/// an update after the snapshot (or one without an outcome) makes recovery read the whole oplog.
/// </summary>
internal sealed class RecoveryWindow
{
    private const int Page = 512;

    /// <summary>The most entries read at once for idempotency keys alone (their results elided).</summary>
    private const int MaxKeysPage = 8 * Page;

    private RecoveryWindow(OplogEntry.Create create, List<(long Index, OplogEntry Entry)> read, List<(long Index, OplogEntry Entry)> replayed,
        (long Index, OplogEntry.Snapshot Entry)? snapshot, long firstUpdate, long? componentVersion = null, OplogEntry.PendingUpdate? unresolvedUpdate = null)
    {
        Create = create;
        FirstUpdate = firstUpdate;
        Read = read;
        Replayed = replayed;
        Snapshot = snapshot;
        ComponentVersion = componentVersion
            ?? (snapshot is { Entry.ComponentVersion: >= 0 } s ? s.Entry.ComponentVersion : create.ComponentVersion);
        UnresolvedUpdate = unresolvedUpdate;
    }

    /// <summary>The component version the worker runs: that of its last successful update, else its create entry's.</summary>
    public long ComponentVersion { get; }

    /// <summary>
    /// The bytes of the entries after the latest snapshot, when it was found reading backwards (else 0):
    /// what the next snapshot's size is weighed against, also across restarts and evictions.
    /// </summary>
    public long BytesAfterSnapshot { get; private init; }

    /// <summary>
    /// The index of the oplog's first update entry (jumped over or not): 0 when it has none, -1 when that
    /// is not known (the window starts at a snapshot that did not record it). Snapshots carry it on.
    /// </summary>
    public long FirstUpdate { get; }

    /// <summary>An update that was requested and has no outcome (the process stopped during it), if any.</summary>
    public OplogEntry.PendingUpdate? UnresolvedUpdate { get; }

    /// <summary>The worker's create entry.</summary>
    public OplogEntry.Create Create { get; }

    /// <summary>Every entry read from the end backwards, in index order (the whole oplog without a snapshot).</summary>
    public List<(long Index, OplogEntry Entry)> Read { get; }

    /// <summary>What replay runs: the construction, then the entries after the snapshot (everything without one).</summary>
    public List<(long Index, OplogEntry Entry)> Replayed { get; }

    /// <summary>The snapshot recovery starts from, if any.</summary>
    public (long Index, OplogEntry.Snapshot Entry)? Snapshot { get; }

    /// <summary>The window of a worker just created: its create entry.</summary>
    public static RecoveryWindow ForNew(OplogEntry.Create create)
    {
        List<(long, OplogEntry)> entries = [(1, create)];
        return new RecoveryWindow(create, entries, entries, null, firstUpdate: 0);
    }

    /// <summary>Reads what recovery needs of an oplog whose last entry is <paramref name="lastIndex"/> (at least 1).</summary>
    /// <param name="useSnapshot">False to replay everything, ignoring snapshots.</param>
    /// <param name="keysNeeded">How many of the latest invocations must be read for their idempotency keys.</param>
    public static async Task<RecoveryWindow> ReadAsync(WorkerId id, IOplogStore store, long lastIndex, bool useSnapshot, int keysNeeded,
        CancellationToken cancellationToken)
    {
        var backwards = new List<(long Index, OplogEntry Entry)>();
        var sizes = new List<int>();
        long bytesAfterSnapshot = 0;
        (long Index, OplogEntry.Snapshot Entry)? snapshot = null;
        // Jumps are applied as they are met: read from the end, the latest decides first (OplogJumps).
        var skipped = new List<(long Start, long End)>();
        long firstUpdate = 0; // the earliest update entry read, skipped or not
        var outcomeAfter = false; // an update's outcome was read, and no request since (reading backwards)
        var invocations = 0;
        var from = lastIndex + 1;
        var pageSize = Page;
        while (from > 1)
        {
            var to = from - 1;
            from = Math.Max(1, to - pageSize + 1);
            // Before the snapshot only the shape of the history is needed (keys, where results are),
            // so recorded results there are not decoded: they can be large, and stay on disk.
            sizes.Clear();
            var page = await ReadRangeAsync(id, store, from, to, cancellationToken, elideResultsBefore: snapshot?.Index ?? 0, sizes);
            for (var i = page.Count - 1; i >= 0; i--)
            {
                var (index, entry) = page[i];
                if (entry is OplogEntry.PendingUpdate or OplogEntry.SuccessfulUpdate or OplogEntry.FailedUpdate) firstUpdate = index;
                if (History.OplogJumps.IsSkipped(skipped, index)) continue;
                // Read backwards: until the snapshot is met, every entry comes after it.
                if (snapshot is null && entry is not OplogEntry.Snapshot) bytesAfterSnapshot += sizes[i];
                switch (entry)
                {
                    case OplogEntry.Jump jump:
                        // A revert: what it skips is not history any more, snapshots and keys included.
                        skipped.Add((jump.Start, jump.End));
                        continue;
                    case OplogEntry.PendingUpdate or OplogEntry.SuccessfulUpdate or OplogEntry.FailedUpdate:
                        // An update after the snapshot changes the version and where replay may start, and one
                        // whose outcome is unknown must be resolved: read it all and apply them.
                        if (!UpdateBehindSnapshot(entry, snapshot, ref outcomeAfter)) return await ReadWholeAsync(id, store, lastIndex, useSnapshot, cancellationToken);
                        break;
                    case OplogEntry.Snapshot taken when useSnapshot && snapshot is null:
                        snapshot = (index, taken);
                        break;
                    case OplogEntry.ExportedFunctionInvoked:
                        invocations++;
                        break;
                }
                backwards.Add((index, entry));
            }
            if (snapshot is { } s && invocations >= keysNeeded && (s.Entry.FirstPending <= 0 || from <= s.Entry.FirstPending)) break;
            // Past the snapshot only keys are still wanted: ask for about as many entries as they take, in one
            // read rather than page by page (each page is a round trip to the server from a component host).
            if (snapshot is not null && invocations > 0 && invocations < keysNeeded)
            {
                var entriesPerInvocation = (double)backwards.Count / invocations;
                pageSize = (int)Math.Clamp((keysNeeded - invocations) * entriesPerInvocation * 1.1 + 16, Page, MaxKeysPage);
            }
        }
        if (backwards.Count == 0) throw new OplogCorruptException(id, lastIndex, "the entry is missing");
        backwards.Reverse();

        List<(long Index, OplogEntry Entry)> construction;
        if (backwards[0].Index == 1)
        {
            construction = Construction(backwards);
        }
        else
        {
            construction = await ReadConstructionAsync(id, store, backwards[0].Index - 1, cancellationToken);
            // A revert into the construction (read without the jumps): rare enough to read it all.
            if (construction.Count > 0 && skipped.Exists(r => r.Start <= construction[^1].Index))
            {
                return await ReadWholeAsync(id, store, lastIndex, useSnapshot, cancellationToken);
            }
            // A construction longer than the part before the window goes on into it.
            if (construction.Count == backwards[0].Index - 1) construction.AddRange(Construction(backwards));
        }
        if (construction.Count == 0 || construction[0].Entry is not OplogEntry.Create create)
        {
            throw new OplogCorruptException(id, 1, "the first entry is not a create entry");
        }
        // Read to the start, every update entry was seen; else the snapshot says where the first is, if it knows.
        if (from > 1) firstUpdate = snapshot?.Entry.UpdatesFrom ?? -1;
        return new RecoveryWindow(create, backwards, ReplayList(construction, backwards, snapshot), snapshot, firstUpdate)
        {
            BytesAfterSnapshot = snapshot is null ? 0 : bytesAfterSnapshot,
        };
    }

    /// <summary>
    /// True when an update entry met reading backwards lies behind the snapshot already found, so that the
    /// snapshot (taken by the version the update left) holds its effect: the snapshot records that version,
    /// and every update request read has its outcome after it. <paramref name="outcomeAfter"/> carries
    /// whether an outcome was read since the last request.
    /// </summary>
    private static bool UpdateBehindSnapshot(OplogEntry update, (long Index, OplogEntry.Snapshot Entry)? snapshot, ref bool outcomeAfter)
    {
        if (snapshot is not { Entry.ComponentVersion: >= 0 }) return false;
        if (update is not OplogEntry.PendingUpdate)
        {
            outcomeAfter = true;
            return true;
        }
        var resolved = outcomeAfter;
        outcomeAfter = false;
        return resolved;
    }

    /// <summary>
    /// Reads the whole oplog, dropping the entries that jumps skip, and applies the updates: the version is
    /// that of the last successful one; a snapshot from before it is not used (its state belongs to the old
    /// code), and a manual update's own snapshot is always used (replay never runs the old history on new code).
    /// </summary>
    private static async Task<RecoveryWindow> ReadWholeAsync(WorkerId id, IOplogStore store, long lastIndex, bool useSnapshot,
        CancellationToken cancellationToken)
    {
        var read = await ReadRangeAsync(id, store, 1, lastIndex, cancellationToken);
        var firstUpdate = read.Find(e => e.Entry is OplogEntry.PendingUpdate or OplogEntry.SuccessfulUpdate or OplogEntry.FailedUpdate).Index;
        var all = WithoutJumpedEntries(read);
        if (all.Count == 0 || all[0].Entry is not OplogEntry.Create create)
        {
            throw new OplogCorruptException(id, 1, "the first entry is not a create entry");
        }
        var version = create.ComponentVersion;
        OplogEntry.PendingUpdate? pending = null;
        var usableFrom = 0; // the first position whose snapshots the current version may load
        var anchor = -1; // the position of the last manual update's snapshot
        for (var i = 0; i < all.Count; i++)
        {
            switch (all[i].Entry)
            {
                case OplogEntry.PendingUpdate requested:
                    pending = requested;
                    break;
                case OplogEntry.SuccessfulUpdate done:
                    version = done.TargetVersion;
                    if (pending?.Mode == Oplog.UpdateMode.Manual && i > 0 && all[i - 1].Entry is OplogEntry.Snapshot)
                    {
                        anchor = i - 1;
                        usableFrom = i - 1;
                    }
                    else
                    {
                        anchor = -1;
                        usableFrom = i + 1;
                    }
                    pending = null;
                    break;
                case OplogEntry.FailedUpdate:
                    pending = null;
                    break;
            }
        }
        (long Index, OplogEntry.Snapshot Entry)? snapshot = null;
        if (useSnapshot)
        {
            var latest = all.FindLastIndex(e => e.Entry is OplogEntry.Snapshot);
            if (latest >= usableFrom) snapshot = (all[latest].Index, (OplogEntry.Snapshot)all[latest].Entry);
        }
        if (snapshot is null && anchor >= 0) snapshot = (all[anchor].Index, (OplogEntry.Snapshot)all[anchor].Entry);
        return new RecoveryWindow(create, all, ReplayList(Construction(all), all, snapshot), snapshot, firstUpdate, version, pending);
    }

    /// <summary>Reads the whole oplog for an update: everything is replayed (snapshots ignored) except what a manual update anchors.</summary>
    public static Task<RecoveryWindow> ReadForUpdateAsync(WorkerId id, IOplogStore store, long lastIndex, CancellationToken cancellationToken) =>
        ReadWholeAsync(id, store, lastIndex, useSnapshot: false, cancellationToken);

    /// <summary>
    /// The window of a manual update: the construction, then <paramref name="snapshot"/> (the old version's
    /// state, taken now, at the index it will have) loaded into the new version; nothing else is replayed.
    /// </summary>
    public RecoveryWindow WithSnapshot(long index, OplogEntry.Snapshot snapshot)
    {
        var read = new List<(long Index, OplogEntry Entry)>(Read) { (index, snapshot) };
        var construction = Construction(Read);
        return new RecoveryWindow(Create, read, ReplayList(construction, read, (index, snapshot)), (index, snapshot), FirstUpdate, snapshot.ComponentVersion);
    }

    /// <summary>The construction, then everything after the snapshot; everything when there is none.</summary>
    private static List<(long, OplogEntry)> ReplayList(List<(long Index, OplogEntry Entry)> construction, List<(long Index, OplogEntry Entry)> read,
        (long Index, OplogEntry.Snapshot Entry)? snapshot)
    {
        if (snapshot is not { } s) return read;
        return construction.Where(e => e.Index < s.Index).Concat(read.Where(e => e.Index > s.Index)).ToList();
    }

    /// <summary>The entries before the first invocation.</summary>
    private static List<(long Index, OplogEntry Entry)> Construction(List<(long Index, OplogEntry Entry)> fromStart)
    {
        var firstInvocation = fromStart.FindIndex(e => e.Entry is OplogEntry.ExportedFunctionInvoked);
        return firstInvocation < 0 ? fromStart : fromStart.GetRange(0, firstInvocation);
    }

    /// <summary>Reads from the start, page by page, up to the first invocation or <paramref name="limit"/>.</summary>
    private static async Task<List<(long Index, OplogEntry Entry)>> ReadConstructionAsync(WorkerId id, IOplogStore store, long limit,
        CancellationToken cancellationToken)
    {
        // A constructor usually has few effects: start small, grow the reads up to a page.
        var construction = new List<(long, OplogEntry)>();
        var size = 8;
        for (long from = 1; from <= limit; from += size, size = Math.Min(Page, size * 8))
        {
            foreach (var (index, entry) in await ReadRangeAsync(id, store, from, Math.Min(limit, from + size - 1), cancellationToken))
            {
                if (entry is OplogEntry.ExportedFunctionInvoked) return construction;
                construction.Add((index, entry));
            }
        }
        return construction;
    }

    private static async Task<List<(long Index, OplogEntry Entry)>> ReadRangeAsync(WorkerId id, IOplogStore store, long from, long to,
        CancellationToken cancellationToken, long elideResultsBefore = 0, List<int>? sizes = null)
    {
        var entries = new List<(long, OplogEntry)>((int)Math.Min(to - from + 1, Page));
        await foreach (var stored in store.ReadAsync(id, from, to, cancellationToken))
        {
            sizes?.Add(stored.Payload.Length);
            var elide = stored.Index < elideResultsBefore && stored.Payload.Length > 2
                && OplogCodec.PeekKind(stored.Payload.Span) == OplogEntryKind.ExportedFunctionCompleted;
            entries.Add((stored.Index, elide ? ElidedResult : Decode(id, stored)));
        }
        return entries;
    }

    /// <summary>Stands for a recorded result that recovery does not need to decode.</summary>
    private static readonly OplogEntry.ExportedFunctionCompleted ElidedResult = new(DateTimeOffset.UnixEpoch, null);

    /// <summary>Decodes a stored entry, reporting a bad one as a corrupt oplog at its index.</summary>
    public static OplogEntry Decode(WorkerId id, StoredEntry stored)
    {
        try
        {
            return OplogCodec.Decode(stored.Payload.Span);
        }
        catch (ClayException ex)
        {
            throw new OplogCorruptException(id, stored.Index, ex.Message);
        }
    }

    /// <summary>Drops the entries that <c>jump</c>s (reverts) told replay to skip.</summary>
    private static List<(long Index, OplogEntry Entry)> WithoutJumpedEntries(List<(long Index, OplogEntry Entry)> entries) =>
        History.OplogJumps.AnyJump(entries) ? History.OplogJumps.Apply(entries) : entries;
}
