using Clay.Runtime.Execution;
using Clay.Runtime.Residency;
using Clay.Runtime.Storage;

namespace Clay.Runtime.Workers;

/// <summary>A page of workers.</summary>
/// <param name="Workers">The workers, ordered by name.</param>
/// <param name="Cursor">The name to continue after, or null at the end.</param>
public sealed record WorkerPage(IReadOnlyList<WorkerInfo> Workers, string? Cursor);

/// <summary>
/// Lists a component's workers with filters and paging, without loading them: a resident worker
/// answers for itself (in a cluster, the node that holds it answered for it beforehand), the others
/// from their oplog's create entry. A page that continues a listing seeks to its cursor in the store's
/// name index, so every page costs about as much as the first.
/// </summary>
public static class WorkerListing
{
    /// <summary>A page of <paramref name="component"/>'s workers matching every filter, ordered by name, after <paramref name="cursor"/>.</summary>
    /// <param name="store">The oplog store.</param>
    /// <param name="residency">The workers in this process's memory.</param>
    /// <param name="component">The component.</param>
    /// <param name="filters">Filter clauses, all of which must match.</param>
    /// <param name="count">The page size.</param>
    /// <param name="cursor">The name to continue after.</param>
    /// <param name="elsewhere">The component's workers in the memory of other processes (a cluster's other nodes), as they reported them.</param>
    /// <param name="cancellationToken">Cancels the reads.</param>
    /// <exception cref="Errors.ClayException"><c>invalid-worker-filter</c>.</exception>
    public static Task<WorkerPage> ListAsync(IOplogStore store, ResidentWorkers residency, string component, IReadOnlyList<string> filters,
        int count, string? cursor, IReadOnlyDictionary<WorkerId, WorkerInfo>? elsewhere, CancellationToken cancellationToken) =>
        ListAsync(store, residency, component, filters, count, cursor, elsewhere, null, cancellationToken);

    /// <summary>
    /// As the other overload; with <paramref name="ask"/>, every worker the name clauses let through is asked
    /// for its info through its own door (<c>--precise</c>) instead of being read from memory or the store here.
    /// </summary>
    /// <param name="store">The oplog store.</param>
    /// <param name="residency">The workers in this process's memory.</param>
    /// <param name="component">The component.</param>
    /// <param name="filters">Filter clauses, all of which must match.</param>
    /// <param name="count">The page size.</param>
    /// <param name="cursor">The name to continue after.</param>
    /// <param name="elsewhere">The component's workers in the memory of other processes (a cluster's other nodes), as they reported them.</param>
    /// <param name="ask">Asks one worker for its info; a worker deleted meanwhile (<c>worker-not-found</c>) is left out.</param>
    /// <param name="cancellationToken">Cancels the reads.</param>
    /// <exception cref="Errors.ClayException"><c>invalid-worker-filter</c>.</exception>
    public static async Task<WorkerPage> ListAsync(IOplogStore store, ResidentWorkers residency, string component, IReadOnlyList<string> filters,
        int count, string? cursor, IReadOnlyDictionary<WorkerId, WorkerInfo>? elsewhere, Func<WorkerId, CancellationToken, Task<WorkerInfo>>? ask,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(residency);
        ArgumentNullException.ThrowIfNull(filters);
        var parsed = filters.Select(WorkerFilter.Parse).ToList();
        // Clauses on the name are decided from the listing alone: a search by name reads only the workers it finds.
        var onName = parsed.Where(f => f.IsOnName).ToList();
        var page = new List<WorkerInfo>();
        // A status other than Idle is asked for: only workers with a mark, or in memory, can have it
        // (asked through their doors, workers may show more — a host's quarantine —: then all are asked).
        var candidates = parsed.Any(f => f.ExcludesIdle) && ask is null
            ? NotPlainlyIdleAsync(store, residency, component, cursor, elsewhere, cancellationToken)
            : store.ListWorkersAsync(component, cursor, cancellationToken);
        await foreach (var id in candidates)
        {
            if (!onName.All(f => f.MatchesName(id.Worker))) continue;
            WorkerInfo info;
            if (ask is not null)
            {
                try
                {
                    info = await ask(id, cancellationToken);
                }
                catch (Errors.ClayException ex) when (ex.Code == Errors.ErrorCodes.WorkerNotFound)
                {
                    // Deleted since the listing found it.
                    continue;
                }
            }
            else
            {
                info = residency.TryGet(id) is { MustReopen: false } executor
                    ? executor.GetInfo()
                    : elsewhere?.GetValueOrDefault(id)
                        ?? await WorkerRecords.ReadAsync(store, id, residency.LastKnown(id), withMemory: false, cancellationToken);
            }
            var subject = new WorkerFilterSubject(id.Worker, info.ComponentVersion, info.Status.ToString(), info.CreatedAt,
                info.Environment.GroupBy(p => p.Key).ToDictionary(g => g.Key, g => g.Last().Value, StringComparer.Ordinal));
            if (!parsed.All(f => f.Matches(subject))) continue;
            if (page.Count == count) return new WorkerPage(page, page[^1].Id.Worker);
            page.Add(info);
        }
        return new WorkerPage(page, null);
    }

    /// <summary>
    /// The workers of <paramref name="component"/> after <paramref name="cursor"/>, in name order, that
    /// may be in another status than Idle: those the store keeps a mark for, merged with those in
    /// memory here or elsewhere (an invocation under way may not have written its mark yet) and those
    /// that left memory failed.
    /// </summary>
    private static async IAsyncEnumerable<WorkerId> NotPlainlyIdleAsync(IOplogStore store, ResidentWorkers residency, string component,
        string? cursor, IReadOnlyDictionary<WorkerId, WorkerInfo>? elsewhere,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var inMemory = residency.Snapshot().Select(r => r.Executor.Id)
            .Concat(residency.Departed)
            .Concat(elsewhere?.Keys ?? [])
            .Where(id => id.Component == component && (cursor is null || string.CompareOrdinal(id.Worker, cursor) > 0))
            .Distinct()
            .OrderBy(id => id.Worker, StringComparer.Ordinal)
            .ToList();
        var next = 0;
        await foreach (var marked in store.ListMarkedWorkersAsync(component, cursor, cancellationToken))
        {
            while (next < inMemory.Count && string.CompareOrdinal(inMemory[next].Worker, marked.Worker.Worker) < 0) yield return inMemory[next++];
            if (next < inMemory.Count && inMemory[next] == marked.Worker) next++;
            yield return marked.Worker;
        }
        while (next < inMemory.Count) yield return inMemory[next++];
    }
}
