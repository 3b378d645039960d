using System.Runtime.CompilerServices;
using Clay.Runtime;
using Clay.Runtime.Execution;
using Clay.Runtime.Storage;
using Microsoft.Data.Sqlite;

namespace Clay.Storage.Sqlite;

/// <summary>
/// Workers' marks and promise completions. Marks live in <c>marks</c>, one row per worker that is
/// not plainly idle, written by the writer thread in the transaction of the append they describe;
/// wake-up times are stored in microseconds since the Unix epoch. A partial index keeps the workers
/// that need attention (pending work or a wake-up) findable without scanning the rest.
/// </summary>
public sealed partial class SqliteOplogStore
{
    /// <inheritdoc/>
    public async ValueTask<WorkerMark?> GetMarkAsync(WorkerId worker, CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        // Most workers have no mark: their slot says so without a query.
        if (await SlotAsync(worker) is not { HasMark: true } slot) return null;
        using var connection = OpenRead();
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT status, pending, wake_at, last_error, version FROM marks WHERE worker = $w";
        command.Parameters.AddWithValue("$w", slot.Id);
        using var reader = command.ExecuteReader();
        return reader.Read() ? ReadMark(reader, 0) : null;
    }

    /// <inheritdoc/>
    public async IAsyncEnumerable<MarkedWorker> ListMarkedAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        await Task.CompletedTask;
        var marked = new List<MarkedWorker>();
        using (var connection = OpenRead())
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = """
                SELECT w.component, w.name, m.status, m.pending, m.wake_at, m.last_error, m.version
                FROM marks m JOIN workers w ON w.id = m.worker
                WHERE m.pending = 1 OR m.wake_at IS NOT NULL
                """;
            using var reader = command.ExecuteReader();
            while (reader.Read()) marked.Add(new MarkedWorker(new WorkerId(reader.GetString(0), reader.GetString(1)), ReadMark(reader, 2)));
        }
        foreach (var worker in marked)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return worker;
        }
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
            var page = ReadMarkedPage(component, next, 512);
            foreach (var worker in page)
            {
                cancellationToken.ThrowIfCancellationRequested();
                yield return worker;
            }
            if (page.Count < 512) yield break;
            next = page[^1].Worker.Worker;
            await Task.Yield();
        }
    }

    /// <summary>Up to <paramref name="limit"/> marked workers of <paramref name="component"/> after <paramref name="name"/>, in name order.</summary>
    private List<MarkedWorker> ReadMarkedPage(string component, string name, int limit)
    {
        using var connection = OpenRead();
        connection.Open();
        using var command = connection.CreateCommand();
        // CROSS JOIN keeps marks as the outer loop: they are few (only workers that are not plainly
        // idle have one, and those an update moved, which the condition leaves out through the partial
        // index marks_not_idle), while the component may have a million workers to walk.
        command.CommandText = """
            SELECT w.component, w.name, m.status, m.pending, m.wake_at, m.last_error, m.version
            FROM marks m CROSS JOIN workers w ON w.id = m.worker
            WHERE w.component = $c AND w.name > $n
              AND (m.status <> 1 OR m.pending = 1 OR m.wake_at IS NOT NULL OR m.last_error IS NOT NULL)
            ORDER BY w.name LIMIT $limit
            """;
        command.Parameters.AddWithValue("$c", component);
        command.Parameters.AddWithValue("$n", name);
        command.Parameters.AddWithValue("$limit", limit);
        using var reader = command.ExecuteReader();
        var page = new List<MarkedWorker>();
        while (reader.Read()) page.Add(new MarkedWorker(new WorkerId(reader.GetString(0), reader.GetString(1)), ReadMark(reader, 2)));
        return page;
    }

    /// <inheritdoc/>
    public ValueTask WakeAsync(WorkerId worker, DateTimeOffset wakeAt, CancellationToken cancellationToken = default) =>
        Enqueue(new WriteOperation.Wake(worker, wakeAt));

    /// <inheritdoc/>
    public async ValueTask<bool> CompleteAsync(WorkerId worker, long promise, ReadOnlyMemory<byte> value, DateTimeOffset wakeAt,
        CancellationToken cancellationToken = default)
    {
        var operation = new WriteOperation.CompletePromise(worker, promise, value, wakeAt);
        await Enqueue(operation);
        return operation.Completed;
    }

    /// <inheritdoc/>
    public async ValueTask<byte[]?> GetAsync(WorkerId worker, long promise, CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        if (await SlotAsync(worker) is not { } slot) return null;
        using var connection = OpenRead();
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT value FROM promises WHERE worker = $w AND promise = $p";
        command.Parameters.AddWithValue("$w", slot.Id);
        command.Parameters.AddWithValue("$p", promise);
        return command.ExecuteScalar() as byte[];
    }

    private static WorkerMark ReadMark(SqliteDataReader reader, int first) => new(
        (WorkerStatus)reader.GetInt32(first),
        reader.GetInt64(first + 1) != 0,
        reader.IsDBNull(first + 2) ? null : DateTimeOffset.UnixEpoch.AddTicks(reader.GetInt64(first + 2) * 10),
        reader.IsDBNull(first + 3) ? null : reader.GetString(first + 3),
        reader.IsDBNull(first + 4) ? null : reader.GetInt64(first + 4));

    private static long Micros(DateTimeOffset time) => (time.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10;

    private void WriteMark(SqliteTransaction? transaction, long workerKey, WorkerMark mark)
    {
        if (mark.IsIdle)
        {
            Run(transaction, "DELETE FROM marks WHERE worker = $w", ("$w", workerKey));
            return;
        }
        using var command = _writeConnection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = """
            INSERT INTO marks (worker, status, pending, wake_at, last_error, version) VALUES ($w, $s, $p, $t, $e, $v)
            ON CONFLICT (worker) DO UPDATE SET status = $s, pending = $p, wake_at = $t, last_error = $e, version = $v
            """;
        command.Parameters.AddWithValue("$w", workerKey);
        command.Parameters.AddWithValue("$s", (int)mark.Status);
        command.Parameters.AddWithValue("$p", mark.HasPendingWork ? 1 : 0);
        command.Parameters.AddWithValue("$t", mark.WakeAt is { } at ? Micros(at) : DBNull.Value);
        command.Parameters.AddWithValue("$e", (object?)mark.LastError ?? DBNull.Value);
        command.Parameters.AddWithValue("$v", mark.ComponentVersion is { } version ? version : DBNull.Value);
        command.ExecuteNonQuery();
    }

    private void WakeMark(SqliteTransaction? transaction, long workerKey, DateTimeOffset wakeAt)
    {
        using var command = _writeConnection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = """
            INSERT INTO marks (worker, status, pending, wake_at, last_error) VALUES ($w, $s, 0, $t, NULL)
            ON CONFLICT (worker) DO UPDATE SET wake_at = $t WHERE wake_at IS NULL OR wake_at > $t
            """;
        command.Parameters.AddWithValue("$w", workerKey);
        command.Parameters.AddWithValue("$s", (int)WorkerStatus.Idle);
        command.Parameters.AddWithValue("$t", Micros(wakeAt));
        command.ExecuteNonQuery();
    }

    private bool CompletePromise(SqliteTransaction? transaction, long workerKey, WriteOperation.CompletePromise complete)
    {
        using var command = _writeConnection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "INSERT INTO promises (worker, promise, value) VALUES ($w, $p, $v) ON CONFLICT DO NOTHING";
        command.Parameters.AddWithValue("$w", workerKey);
        command.Parameters.AddWithValue("$p", complete.Promise);
        command.Parameters.AddWithValue("$v", complete.Value.ToArray());
        return command.ExecuteNonQuery() == 1;
    }
}
