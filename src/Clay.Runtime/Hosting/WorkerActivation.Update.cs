using Clay.Runtime.Errors;
using Clay.Runtime.Execution;
using Clay.Runtime.Oplog;
using Microsoft.Extensions.Logging;

namespace Clay.Runtime.Hosting;

// Updates of a worker to another version of its component: an edit of its history like a revert.
public sealed partial class WorkerActivation
{
    /// <summary>
    /// Moves the worker to <paramref name="targetVersion"/> of its component. The worker is taken out of
    /// memory first: a running invocation finishes and is committed; invocations waiting in memory for a
    /// caller are answered <c>cancelled</c>, durably enqueued ones stay queued and run on the version the
    /// worker has afterwards. Then a <c>pending-update</c> entry is written and the worker is rebuilt on
    /// the new version — by replaying its history (<see cref="UpdateMode.Automatic"/>) or by loading a
    /// snapshot of its state saved by the old version (<see cref="UpdateMode.Manual"/>). The outcome is
    /// written in one step (<c>successful-update</c>, with the manual update's snapshot, or
    /// <c>failed-update</c>); a failed update leaves the worker on its version, usable.
    /// </summary>
    /// <exception cref="WorkerNotFoundException">It does not exist.</exception>
    /// <exception cref="ClayException"><c>update-version-not-found</c>, <c>update-same-version</c>, <c>update-failed</c>
    /// (after it is recorded; the worker runs its old version).</exception>
    public async Task<WorkerInfo> UpdateAsync(long targetVersion, UpdateMode mode, CancellationToken cancellationToken = default)
    {
        // Checked first, so a request that cannot be met disturbs nothing.
        if (Resident is null && await services.Store.GetLastIndexAsync(Id, cancellationToken) == 0) throw new WorkerNotFoundException(Id);
        LoadedComponent target;
        try
        {
            target = await services.Catalog.GetAsync(Id.Component, targetVersion, cancellationToken);
        }
        catch (ClayException ex) when (ex.Code == ErrorCodes.ComponentNotFound)
        {
            throw new ClayException(ErrorCodes.UpdateVersionNotFound, $"component {Id.Component} has no version {targetVersion} to update {Id} to");
        }

        if (Resident?.Component.Version == targetVersion) throw SameVersion(targetVersion);

        var edit = await BeginEditAsync(cancellationToken);
        string? failure = null;
        long from;
        try
        {
            // The worker as it is, in memory: its running invocation finishes first.
            var current = edit.Current ?? await RecoverAsync(null, null, null);
            await current.DisposeAsync();
            services.Residency.Remove(current);
            from = current.Component.Version;
            if (current.MustReopen || current.Status == WorkerStatus.Failed && current.RecoveryFailure is not null)
            {
                throw new ClayException(ErrorCodes.UpdateFailed, $"worker {Id} cannot be rebuilt on its version {from}: {current.GetInfo().LastError}");
            }
            if (from == targetVersion) throw SameVersion(targetVersion);
            failure = await UpdateCoreAsync(current, target, mode);
        }
        finally
        {
            EndEdit(edit, restore: null);
        }
        var info = (await OpenCoreAsync(null, cancellationToken)).GetInfo();
        if (failure is not null)
        {
            throw new ClayException(ErrorCodes.UpdateFailed, $"worker {Id} was not updated to version {targetVersion} ({ModeName(mode)}): {failure}; it stays on version {from}");
        }
        return info;
    }

    /// <summary>The update itself, on a worker out of memory; the failure's detail, or null when it succeeded.</summary>
    private async Task<string?> UpdateCoreAsync(WorkerExecutor current, LoadedComponent target, UpdateMode mode)
    {
        var store = services.Store;
        var options = services.Options;
        var lastIndex = await store.GetLastIndexAsync(Id, CancellationToken.None);
        var writer = new OplogWriter(Id, store, lastIndex, options.Time, options.Limits.MaxEntryBytes)
        {
            StoredMark = await store.GetMarkAsync(Id, CancellationToken.None) ?? Storage.WorkerMark.Idle,
        };
        writer.Append(new OplogEntry.PendingUpdate(writer.Now, target.Version, mode));
        await writer.FlushAsync(CancellationToken.None);
        lastIndex = writer.LastIndex;

        string? failure;
        OplogEntry.Snapshot? snapshot = null;
        try
        {
            var window = await RecoveryWindow.ReadForUpdateAsync(Id, store, lastIndex, CancellationToken.None);
            if (mode == UpdateMode.Manual)
            {
                var instance = current.Instance ?? throw new Snapshots.SnapshotException($"worker {Id} has no state to save");
                var (format, data) = Snapshots.WorkerSnapshots.Save(instance);
                snapshot = new OplogEntry.Snapshot(writer.Now, format, new Bytes(data), 0, 0, null, target.Version);
                window = window.WithSnapshot(lastIndex + 1, snapshot);
            }
            var rebuilt = await WorkerExecutor.RebuildForUpdateAsync(Id, target, store, options, window, lastIndex, CancellationToken.None);
            failure = rebuilt.Status == WorkerStatus.Failed
                ? rebuilt.RecoveryFailure?.Message ?? rebuilt.GetInfo().LastError ?? "the worker failed on the new version"
                : null;
            await rebuilt.DisposeAsync();
        }
        catch (Exception ex) when (ex is Snapshots.SnapshotException or ClayException)
        {
            failure = ex.Message;
        }

        if (failure is null)
        {
            // The snapshot and the outcome go in one write: a crash leaves both or neither.
            if (snapshot is not null) writer.Append(snapshot);
            writer.Append(new OplogEntry.SuccessfulUpdate(writer.Now, target.Version, target.Size));
            // The mark names the version the worker now runs, so listings show it while it is out of memory.
            var moved = writer.StoredMark.RunningVersion(target.Version, current.CreatedOnVersion);
            writer.Marks = () => moved;
        }
        else
        {
            writer.Append(new OplogEntry.FailedUpdate(writer.Now, target.Version, failure));
        }
        await writer.FlushAsync(CancellationToken.None);
        options.LoggerFactory.CreateLogger<WorkerActivation>().LogInformation(
            "Worker {Worker} update to version {Version} ({Mode}): {Outcome}", Id, target.Version, ModeName(mode), failure ?? "done");
        return failure;
    }

    private ClayException SameVersion(long version) => new(ErrorCodes.UpdateSameVersion, $"worker {Id} already runs version {version}");

    /// <summary>The mode as the CLI and the API spell it.</summary>
    public static string ModeName(UpdateMode mode) => mode == UpdateMode.Manual ? "manual" : "auto";
}
