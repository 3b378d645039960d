using Clay.Runtime.Errors;
using Clay.Runtime.Execution;
using Clay.Runtime.Storage;

namespace Clay.Runtime.History;

/// <summary>
/// Forking: a new worker whose oplog starts as a copy of the source's entries up to an index. The copy
/// is one append (all of it durable, or none), made through the store interface, so it works on every
/// store; from there the two histories diverge and the source is untouched.
/// </summary>
internal static class WorkerFork
{
    /// <summary>Copies <paramref name="source"/>'s entries 1 to <paramref name="oplogIndex"/> as the whole oplog of <paramref name="target"/>.</summary>
    /// <exception cref="WorkerNotFoundException">The source does not exist.</exception>
    /// <exception cref="ClayException"><c>fork-across-components</c>, <c>oplog-index-out-of-range</c>.</exception>
    /// <exception cref="OplogConflictException">The target got an oplog meanwhile: nothing was written.</exception>
    public static async Task<WorkerMark> CopyAsync(IOplogStore store, WorkerId source, WorkerId target, long oplogIndex, CancellationToken cancellationToken)
    {
        Check(source, target);
        var last = await store.GetLastIndexAsync(source, cancellationToken);
        if (last == 0) throw new WorkerNotFoundException(source);
        if (oplogIndex < 1 || oplogIndex > last)
        {
            throw new ClayException(ErrorCodes.OplogIndexOutOfRange,
                $"--oplog-index {oplogIndex} is out of range: worker {source} has entries 1 to {last}, so a fork copies 1 to {last} of them");
        }
        var entries = await HistoryReader.ReadAsync(store, source, oplogIndex, cancellationToken);
        var mark = HistoryMark.Of(OplogJumps.Apply(entries.Select(e => (e.Index, e.Entry)).ToList()));
        await store.AppendAsync(target, 1, entries.Select(e => e.Payload).ToList(), mark, cancellationToken);
        return mark;
    }

    /// <summary>Refuses a fork that cannot be made whatever the oplogs hold.</summary>
    public static void Check(WorkerId source, WorkerId target)
    {
        if (source.Component != target.Component)
        {
            throw new ClayException(ErrorCodes.ForkAcrossComponents,
                $"cannot fork {source} into {target}: a fork runs its source's component, so it must be a worker of {source.Component}");
        }
        if (source == target) throw new WorkerAlreadyExistsException(target);
    }
}
