using Clay.Runtime.Errors;
using Clay.Runtime.Execution;
using Clay.Runtime.Storage;

namespace Clay.Server.Workers;

/// <summary>Finds the workers that run on given versions of a component, before those versions are deleted.</summary>
public sealed class ComponentUsers(IOplogStore store, WorkerDirectory directory)
{
    private const int Examples = 3;

    /// <summary>How many workers of <paramref name="component"/> are on one of <paramref name="versions"/>, and the names of a few.</summary>
    /// <remarks>Reads each worker's first entry (or asks the resident worker): a full scan, as deleting a component is rare.
    /// A worker whose oplog cannot be read counts as a user: its version is unknown.</remarks>
    public async Task<(long Count, IReadOnlyList<string> Examples)> FindAsync(string component, IReadOnlySet<long> versions,
        CancellationToken cancellationToken)
    {
        long count = 0;
        var examples = new List<string>();
        await foreach (var worker in store.ListWorkersAsync(component, cancellationToken))
        {
            bool uses;
            try
            {
                uses = versions.Contains((await directory.GetAsync(worker, cancellationToken, withMemory: false)).ComponentVersion);
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
