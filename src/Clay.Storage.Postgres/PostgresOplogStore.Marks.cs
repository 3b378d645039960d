using System.Runtime.CompilerServices;
using Clay.Runtime;
using Clay.Runtime.Execution;
using Clay.Runtime.Storage;
using Npgsql;

namespace Clay.Storage.Postgres;

/// <summary>
/// Workers' marks, kept in their rows of <c>workers</c> and written by the group commit with the
/// entries they describe, and promise completions in <c>promises</c>, stored under the worker's row
/// lock so that of two completions, on any nodes, exactly one is stored.
/// </summary>
public sealed partial class PostgresOplogStore
{
    /// <inheritdoc/>
    public async ValueTask<WorkerMark?> GetMarkAsync(WorkerId worker, CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        try
        {
            await using var command = _dataSource.CreateCommand(_sql.Mark);
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = worker.Component });
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = worker.Worker });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false)) return null;
            var mark = ReadMark(reader, 0);
            return mark.IsIdle ? null : mark;
        }
        catch (NpgsqlException ex)
        {
            throw Unavailable("read the mark of " + worker, ex);
        }
    }

    /// <inheritdoc/>
    public async IAsyncEnumerable<MarkedWorker> ListMarkedAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        var marked = new List<MarkedWorker>();
        try
        {
            await using var command = _dataSource.CreateCommand(_sql.Marked);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                marked.Add(new MarkedWorker(new WorkerId(reader.GetString(0), reader.GetString(1)), ReadMark(reader, 2)));
            }
        }
        catch (NpgsqlException ex)
        {
            throw Unavailable("list the workers with pending work", ex);
        }
        foreach (var worker in marked) yield return worker;
    }

    /// <inheritdoc/>
    public async IAsyncEnumerable<MarkedWorker> ListMarkedWorkersAsync(string component, string? after = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        ArgumentNullException.ThrowIfNull(component);
        var next = after ?? "";
        while (true)
        {
            var page = new List<MarkedWorker>();
            try
            {
                await using var command = _dataSource.CreateCommand(_sql.MarkedOfComponent);
                command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = component });
                command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = next });
                command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = 512 });
                await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    page.Add(new MarkedWorker(new WorkerId(component, reader.GetString(0)), ReadMark(reader, 1)));
                }
            }
            catch (NpgsqlException ex)
            {
                throw Unavailable("list the marked workers of " + component, ex);
            }
            foreach (var worker in page) yield return worker;
            if (page.Count < 512) yield break;
            next = page[^1].Worker.Worker;
        }
    }

    /// <inheritdoc/>
    public ValueTask WakeAsync(WorkerId worker, DateTimeOffset wakeAt, CancellationToken cancellationToken = default) =>
        Enqueue(new WriteOperation.Wake(worker, wakeAt));

    /// <inheritdoc/>
    public async ValueTask<bool> CompleteAsync(WorkerId worker, long promise, ReadOnlyMemory<byte> value, DateTimeOffset wakeAt,
        CancellationToken cancellationToken = default)
    {
        var operation = new WriteOperation.CompletePromise(worker, promise, value, wakeAt);
        await Enqueue(operation).ConfigureAwait(false);
        return operation.Completed;
    }

    /// <inheritdoc/>
    public async ValueTask<byte[]?> GetAsync(WorkerId worker, long promise, CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        try
        {
            await using var command = _dataSource.CreateCommand(_sql.Promise);
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = worker.Component });
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = worker.Worker });
            command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = promise });
            return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as byte[];
        }
        catch (NpgsqlException ex)
        {
            throw Unavailable("read a promise of " + worker, ex);
        }
    }

    private static WorkerMark ReadMark(NpgsqlDataReader reader, int first) => new(
        (WorkerStatus)reader.GetInt16(first),
        reader.GetBoolean(first + 1),
        reader.IsDBNull(first + 2) ? null : new DateTimeOffset(reader.GetDateTime(first + 2), TimeSpan.Zero),
        reader.IsDBNull(first + 3) ? null : reader.GetString(first + 3),
        reader.IsDBNull(first + 4) ? null : reader.GetInt64(first + 4));
}
