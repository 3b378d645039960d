using Clay.Runtime.Oplog;
using Clay.Runtime.Storage;
using Microsoft.Extensions.Logging;

namespace Clay.Runtime.Execution;

/// <summary>
/// Opening a worker: creating it when it has no oplog, reading its history (from its latest snapshot
/// when it has one) and rebuilding it by replay; and rebuilding it on another version for an update.
/// </summary>
public sealed partial class WorkerExecutor
{
    /// <summary>
    /// Opens a worker: creates it when it has no oplog and <paramref name="creation"/> is given,
    /// then replays its oplog. A worker whose replay fails is returned in <see cref="WorkerStatus.Failed"/>.
    /// </summary>
    /// <exception cref="WorkerNotFoundException">No oplog and no <paramref name="creation"/>.</exception>
    public static Task<WorkerExecutor> OpenAsync(WorkerId id, WorkerCreation? creation, IComponentCatalog catalog, IOplogStore store,
        WorkerExecutorOptions options, CancellationToken cancellationToken = default) =>
        OpenAsync(id, creation, catalog, store, options, known: null, cancellationToken);

    /// <summary>
    /// Opens a worker as <see cref="OpenAsync(WorkerId, WorkerCreation?, IComponentCatalog, IOplogStore, WorkerExecutorOptions, CancellationToken)"/>
    /// does, with what the caller has just read about it (<paramref name="known"/>; null to read it all
    /// here): over a remote store and catalog, each read is a round trip.
    /// </summary>
    internal static async Task<WorkerExecutor> OpenAsync(WorkerId id, WorkerCreation? creation, IComponentCatalog catalog, IOplogStore store,
        WorkerExecutorOptions options, OpenFacts? known, CancellationToken cancellationToken = default)
    {
        try
        {
            return await OpenAsync(id, creation, catalog, store, options, useSnapshot: options.UseSnapshots, known, cancellationToken);
        }
        catch (Snapshots.SnapshotException ex)
        {
            ExecutorLoggers.Of(options.LoggerFactory).Executor.LogWarning(
                "Worker {Worker}: {Problem}; recovering by replaying the whole oplog instead", id, ex.Message);
            return await OpenAsync(id, creation, catalog, store, options, useSnapshot: false, known: null, cancellationToken);
        }
    }

    private static async Task<WorkerExecutor> OpenAsync(WorkerId id, WorkerCreation? creation, IComponentCatalog catalog, IOplogStore store,
        WorkerExecutorOptions options, bool useSnapshot, OpenFacts? known, CancellationToken cancellationToken)
    {
        var lastIndex = known?.LastIndex ?? await store.GetLastIndexAsync(id, cancellationToken);
        RecoveryWindow window;
        LoadedComponent component;
        OplogWriter writer;
        if (lastIndex == 0)
        {
            if (creation is null) throw new WorkerNotFoundException(id);
            component = known?.Latest ?? await catalog.GetLatestAsync(id.Component, cancellationToken);
            // A worker whose own retry settings are not a policy is refused before it exists.
            InvocationRetrySettings.Resolve(options.InvocationRetry, component.Model, creation.Environment);
            if (options.AdmitNewWorker is { } admit && known is not { Admitted: true }) await admit(id, cancellationToken);
            writer = new OplogWriter(id, store, 0, options.Time, options.Limits.MaxEntryBytes);
            var create = new OplogEntry.Create(writer.Now, component.Version, creation.Arguments.ToArray(), creation.Environment.ToArray(),
                component.Size, 0);
            writer.Append(create);
            if (!creation.WithFirstInvocation) await writer.FlushAsync(cancellationToken);
            window = RecoveryWindow.ForNew(create);
        }
        else
        {
            window = await RecoveryWindow.ReadAsync(id, store, lastIndex, useSnapshot, options.IdempotencyKeys, cancellationToken);
            component = await catalog.GetAsync(id.Component, window.ComponentVersion, cancellationToken);
            writer = new OplogWriter(id, store, lastIndex, options.Time, options.Limits.MaxEntryBytes)
            {
                // What the store says now, so the first commit that changes it is sent.
                StoredMark = await store.GetMarkAsync(id, cancellationToken) ?? WorkerMark.Idle,
            };
            if (window.UnresolvedUpdate is { } interrupted)
            {
                // The process stopped during an update: it did not happen (its outcome is written with the
                // outcome's entries, in one step), and that is recorded before the worker goes on.
                writer.Append(new OplogEntry.FailedUpdate(writer.Now, interrupted.TargetVersion,
                    $"the update was interrupted (the server stopped during it); the worker stays on version {component.Version}"));
                await writer.FlushAsync(cancellationToken);
            }
        }

        var executor = new WorkerExecutor(id, store, options, writer, component, window.Create, new ReplayLog(window.Replayed));
        await executor.RecoverAsync(window, cancellationToken);
        return executor;
    }

    /// <summary>
    /// Rebuilds a worker on another component version without running it: the replay of an update. The
    /// executor writes nothing durable, starts no invocation and is only inspected (its status and
    /// <see cref="RecoveryFailure"/>), then disposed.
    /// </summary>
    internal static async Task<WorkerExecutor> RebuildForUpdateAsync(WorkerId id, LoadedComponent target, IOplogStore store,
        WorkerExecutorOptions options, RecoveryWindow window, long lastIndex, CancellationToken cancellationToken)
    {
        var writer = new OplogWriter(id, store, lastIndex, options.Time, options.Limits.MaxEntryBytes);
        var executor = new WorkerExecutor(id, store, options, writer, target, window.Create, new ReplayLog(window.Replayed)) { _rebuildOnly = true };
        try
        {
            await executor.RecoverAsync(window, cancellationToken);
        }
        catch (Snapshots.SnapshotException ex)
        {
            executor._recoveryFailure = ex;
            executor.Fail(ex);
        }
        return executor;
    }
}
