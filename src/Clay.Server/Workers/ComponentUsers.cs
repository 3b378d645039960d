using Clay.Runtime.Errors;
using Clay.Runtime.Execution;
using Clay.Runtime.Residency;
using Clay.Runtime.Storage;
using Clay.Runtime.Workers;

namespace Clay.Server.Workers;

/// <summary>Finds the workers that run on given versions of a component, before those versions are deleted.</summary>
public sealed class ComponentUsers(IOplogStore store, ResidentWorkers residency)
{
    private const int Examples = 3;

    /// <summary>How many workers of <paramref name="component"/> are on one of <paramref name="versions"/>, and the names of a few.</summary>
    /// <remarks>A resident worker answers for itself, the others from their oplog's create entry: a full scan, as deleting a
    /// component is rare. A worker whose oplog cannot be read counts as a user: its version is unknown.</remarks>
    public async Task<(long Count, IReadOnlyList<string> Examples)> FindAsync(string component, IReadOnlySet<long> versions,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(versions);
        long count = 0;
        var examples = new List<string>();
        await foreach (var worker in store.ListWorkersAsync(component, cancellationToken: cancellationToken))
        {
            bool uses;
            try
            {
                var info = residency.TryGet(worker) is { IsBroken: false } executor
                    ? executor.GetInfo()
                    : await WorkerRecords.ReadAsync(store, worker, residency.LastKnown(worker), withMemory: false, cancellationToken);
                uses = versions.Contains(info.ComponentVersion);
            }
            catch (WorkerNotFoundException)
            {
                continue; // deleted meanwhile
            }
            catch (ClayException ex) when (ex.Code == ErrorCodes.OplogCorrupt)
            {
                uses = true;
            }
            if (!uses) continue;
            count++;
            if (examples.Count < Examples) examples.Add($"{worker.Component}/{worker.Worker}");
        }
        return (count, examples);
    }
}
