using Clay.Cluster.Workers;
using Clay.Runtime;
using Clay.Runtime.Execution;
using Clay.Runtime.Oplog;
using Clay.Runtime.Oplog.Codec;
using Clay.Runtime.Storage;
using Clay.Runtime.Workers;
using Clay.Server.Api;

namespace Clay.Server.Workers;

/// <summary>
/// Answers questions about workers without loading them: a resident worker answers itself; for
/// the others, the oplog's create entry and length say the rest.
/// </summary>
public sealed class WorkerDirectory(IOplogStore store, ResidentWorkers resident)
{
    /// <summary>The worker's metadata.</summary>
    /// <exception cref="WorkerNotFoundException">It has no oplog.</exception>
    public async Task<WorkerDto> GetAsync(WorkerId worker, CancellationToken cancellationToken, bool withMemory = true)
    {
        if (resident.TryGet(worker) is { } executor) return ToDto(executor.GetInfo());
        var length = await store.GetLastIndexAsync(worker, cancellationToken);
        if (length == 0) throw new WorkerNotFoundException(worker);
        OplogEntry.Create? create = null;
        long memoryAtStartup = 0, memoryNow = 0;
        // The create entry says how the worker was made; grow-memory entries how its memory grew.
        // Listing needs only the former, so it reads just the first entry.
        await foreach (var stored in store.ReadAsync(worker, 1, withMemory ? long.MaxValue : 1, cancellationToken))
        {
            if (stored.Index == 1)
            {
                create = OplogCodec.Decode(stored.Payload.Span) as OplogEntry.Create;
                continue;
            }
            if (stored.Payload.Span.Length > 1 && stored.Payload.Span[1] == (byte)OplogEntryKind.GrowMemory
                && OplogCodec.Decode(stored.Payload.Span) is OplogEntry.GrowMemory grow)
            {
                if (memoryAtStartup == 0) memoryAtStartup = grow.Total;
                memoryNow = grow.Total;
            }
        }
        if (create is null) throw new OplogCorruptException(worker, 1, "the first entry is not a create entry");
        var (status, error) = resident.LastKnown(worker) ?? (WorkerStatus.Idle, null);
        return ToDto(new WorkerInfo(worker, create.ComponentVersion, create.ComponentSize, status, create.Timestamp, create.Arguments.ToArray(),
            create.Environment.ToArray(), 0, 0, error, length, memoryAtStartup, memoryNow, Resident: false));
    }

    /// <summary>A page of <paramref name="component"/>'s workers matching every filter, ordered by name.</summary>
    public async Task<WorkerListDto> ListAsync(string component, IReadOnlyList<string> filters, int count, string? cursor,
        CancellationToken cancellationToken)
    {
        var parsed = filters.Select(WorkerFilter.Parse).ToList();
        var page = new List<WorkerDto>();
        string? next = null;
        await foreach (var id in store.ListWorkersAsync(component, cancellationToken))
        {
            if (cursor is not null && string.CompareOrdinal(id.Worker, cursor) <= 0) continue;
            var dto = await GetAsync(id, cancellationToken, withMemory: false);
            var subject = new WorkerFilterSubject(dto.WorkerName, dto.ComponentVersion, dto.Status, dto.CreatedAt, dto.Env);
            if (!parsed.All(f => f.Matches(subject))) continue;
            if (page.Count == count)
            {
                next = page[^1].WorkerName;
                break;
            }
            page.Add(dto);
        }
        return new WorkerListDto(page, next);
    }

    /// <summary>The API's view of a worker.</summary>
    public static WorkerDto ToDto(WorkerInfo info) => new(info.Id.Component, info.Id.Worker, info.ComponentVersion, info.ComponentSize,
        info.Status.ToString(), info.CreatedAt, info.Arguments,
        info.Environment.GroupBy(p => p.Key).ToDictionary(g => g.Key, g => g.Last().Value, StringComparer.Ordinal),
        info.MemoryAtStartup, info.MemoryNow, info.PendingInvocations, info.RetryCount, info.LastError, info.OplogLength, info.Resident);
}
