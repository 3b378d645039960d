using Clay.Client.Export;
using Clay.Runtime;
using Clay.Runtime.Components;
using Clay.Runtime.Execution;
using Clay.Runtime.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Clay.Testing.Replay;

/// <summary>
/// Replays a worker's recorded history — an export written by <c>clay worker oplog C/W --export FILE</c>
/// — against the component's code, in the test process: the worker is rebuilt by the real executor from
/// the recorded entries, every invocation runs again with its effects answered from the history, and
/// each step is checked against what was recorded. Set a breakpoint in the component and step through
/// what happened in production.
/// </summary>
/// <remarks>
/// The replay runs on a private in-memory copy of the history and never reaches the network or other
/// workers; its clock stands at the time of the last recorded entry. An invocation that had not ended
/// when the history was exported is replayed up to its start only (see docs/testing.md).
/// </remarks>
public static class WorkerReplayer
{
    /// <summary>Replays the export in <paramref name="path"/> against <typeparamref name="TWorker"/>.</summary>
    /// <exception cref="InvalidDataException">The file is not a readable oplog export.</exception>
    public static async Task<ReplayResult> ReplayAsync<TWorker>(string path, ILoggerFactory? logging = null, CancellationToken cancellationToken = default)
        where TWorker : class
    {
        await using var file = File.OpenRead(path);
        var export = await OplogExport.ReadAsync(file, cancellationToken);
        return await ReplayAsync(typeof(TWorker), export, logging, cancellationToken);
    }

    /// <summary>Replays <paramref name="export"/> against <typeparamref name="TWorker"/>.</summary>
    public static Task<ReplayResult> ReplayAsync<TWorker>(OplogExport export, ILoggerFactory? logging = null, CancellationToken cancellationToken = default)
        where TWorker : class =>
        ReplayAsync(typeof(TWorker), export, logging, cancellationToken);

    /// <summary>Replays <paramref name="export"/> against the worker class <paramref name="workerType"/>.</summary>
    /// <exception cref="InvalidDataException">An entry's encoded bytes are not base64.</exception>
    public static async Task<ReplayResult> ReplayAsync(Type workerType, OplogExport export, ILoggerFactory? logging = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(workerType);
        ArgumentNullException.ThrowIfNull(export);
        var id = new WorkerId(export.Header.Component, export.Header.Worker);
        if (export.Entries.Count == 0) throw new InvalidDataException($"the export of {id} holds no entries: there is nothing to replay");
        var store = new InMemoryOplogStore();
        await store.AppendAsync(id, 1, [.. export.Entries.Select(Decode)], cancellationToken: cancellationToken);
        var options = new WorkerExecutorOptions
        {
            Time = new FakeTimeProvider(export.Entries[^1].Timestamp) { AutoAdvanceAmount = TimeSpan.Zero },
            LoggerFactory = logging ?? NullLoggerFactory.Instance,
            HttpHandlerFactory = static () => new OfflineHandler(),
            // Every recorded invocation runs again, from the worker's creation, and nothing new is written.
            UseSnapshots = false,
            SnapshotEvery = 0,
            IdempotencyKeys = int.MaxValue,
        };
        var catalog = new ReplayCatalog(id.Component, ComponentModel.FromType(workerType));
        var executor = await WorkerExecutor.OpenAsync(id, null, catalog, store, options, cancellationToken);
        var failure = executor.RecoveryFailure;
        var status = executor.Status;
        await executor.DisposeAsync();
        var divergence = failure is NondeterminismException nondeterminism
            ? new ReplayDivergence(nondeterminism.OplogIndex, nondeterminism.Expected, nondeterminism.Attempted,
                export.Entries.FirstOrDefault(e => e.Index == nondeterminism.OplogIndex))
            : null;
        return new ReplayResult(id, export.Entries.Count, status, divergence, failure);
    }

    private static ReadOnlyMemory<byte> Decode(Clay.Client.Contracts.OplogEntryDto entry)
    {
        try
        {
            return Convert.FromBase64String(entry.Encoded ?? "");
        }
        catch (FormatException ex)
        {
            throw new InvalidDataException($"entry {entry.Index} of the export: its encoded bytes are not base64", ex);
        }
    }
}
