using System.Globalization;
using Clay.Runtime;
using Clay.Runtime.Errors;
using Clay.Runtime.Storage;
using Microsoft.Data.Sqlite;

namespace Clay.Storage.Sqlite;

/// <summary>What a salvage kept and dropped.</summary>
/// <param name="DamagedCopy">Where the damaged database was moved (kept as it was).</param>
/// <param name="Workers">Workers rebuilt, each with the entries kept.</param>
/// <param name="Findings">One line per problem: unreadable parts, workers cut short or dropped.</param>
public sealed record SalvageReport(string DamagedCopy, IReadOnlyList<(WorkerId Worker, long Entries)> Workers, IReadOnlyList<string> Findings);

/// <summary>
/// Rebuilds an oplog database that SQLite can no longer use (a file cut short, damaged pages) from
/// what can still be read: the damaged file is moved aside untouched, and each worker gets the
/// longest prefix of its oplog that is contiguous and passes its checksums. Run explicitly
/// (<c>clay-server salvage</c>) — the server never does this on its own, because entries lost with
/// the damaged pages were acknowledged, and only an operator can accept that.
/// </summary>
public static class OplogSalvage
{
    private const int MaxProbes = 48;

    /// <summary>Salvages the database at <paramref name="databasePath"/>.</summary>
    public static async Task<SalvageReport> RunAsync(string databasePath, TimeProvider? time = null)
    {
        if (!File.Exists(databasePath)) throw new ClayException(ErrorCodes.StorageUnavailable, $"there is no oplog database at {databasePath}");
        var stamp = (time ?? TimeProvider.System).GetUtcNow().ToString("yyyyMMdd'T'HHmmss", CultureInfo.InvariantCulture);
        var damaged = $"{databasePath}.damaged-{stamp}";
        foreach (var suffix in new[] { "", "-wal", "-shm" })
        {
            if (File.Exists(databasePath + suffix)) File.Move(databasePath + suffix, damaged + suffix);
        }
        File.Delete(databasePath + ".lock");

        var findings = new List<string>();
        var (workers, entries, lastIndexes, entriesDamaged) = Read(damaged, findings);
        var kept = new List<(WorkerId, long)>();
        await using (var store = await SqliteOplogStore.OpenAsync(new SqliteStoreOptions { DatabasePath = databasePath }))
        {
            foreach (var (key, rows) in entries.OrderBy(e => e.Key))
            {
                if (!workers.TryGetValue(key, out var worker))
                {
                    findings.Add($"{rows.Count} entries of worker #{key} dropped: its name is unreadable");
                    continue;
                }
                var prefix = ValidPrefix(rows, out var problem);
                if (problem is not null) findings.Add($"{worker}: kept entries 1 to {prefix.Count}; {problem}");
                else if (lastIndexes.TryGetValue(key, out var last) && last is { } known && known > prefix.Count)
                {
                    findings.Add($"{worker}: kept entries 1 to {prefix.Count}; entries {prefix.Count + 1} to {known} are lost (its index still lists them)");
                }
                else if (last is null)
                {
                    findings.Add($"{worker}: kept entries 1 to {prefix.Count}; its index is damaged too, so later entries may be lost");
                }
                else if (entriesDamaged)
                {
                    // The index's pages may have been cut with the rows, so its silence proves nothing.
                    findings.Add($"{worker}: kept entries 1 to {prefix.Count}; its index lists no more, but the entries table is damaged, so later entries may be lost");
                }
                if (prefix.Count == 0) continue;
                foreach (var chunk in prefix.Chunk(1024))
                {
                    await store.AppendAsync(worker, chunk[0].Index, chunk.Select(r => (ReadOnlyMemory<byte>)r.Payload).ToArray());
                }
                kept.Add((worker, prefix.Count));
            }
        }
        foreach (var (key, worker) in workers.Where(w => !entries.ContainsKey(w.Key)))
        {
            findings.Add($"{worker}: no entry could be read; dropped");
        }
        return new SalvageReport(damaged, kept, findings);
    }

    private sealed record Row(long Index, uint Crc, byte[] Payload);

    /// <summary>The longest run 1, 2, 3… with matching checksums; <paramref name="problem"/> says why it stops early.</summary>
    private static List<(long Index, byte[] Payload)> ValidPrefix(List<Row> rows, out string? problem)
    {
        problem = null;
        var prefix = new List<(long, byte[])>();
        long expected = 1;
        foreach (var row in rows.OrderBy(r => r.Index))
        {
            if (row.Index < expected) continue;
            if (row.Index != expected)
            {
                problem = $"entry {expected} is missing, {rows.Count(r => r.Index > expected)} later entries dropped";
                return prefix;
            }
            if (OplogChecksum.OfEntry(row.Index, row.Payload) != row.Crc)
            {
                problem = $"entry {expected} fails its checksum, it and {rows.Count(r => r.Index > expected)} later entries dropped";
                return prefix;
            }
            prefix.Add((row.Index, row.Payload));
            expected++;
        }
        return prefix;
    }

    private static (Dictionary<long, WorkerId> Workers, Dictionary<long, List<Row>> Entries, Dictionary<long, long?> LastIndexes, bool EntriesDamaged) Read(
        string path, List<string> findings)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadOnly,
            Pooling = false,
        }.ToString());
        var workers = new Dictionary<long, WorkerId>();
        var entries = new Dictionary<long, List<Row>>();
        try
        {
            connection.Open();
            // A file cut short still claims its old size in its header; SQLite refuses such a file
            // unless the schema is treated as writable, which here only lifts that check.
            using var pragma = connection.CreateCommand();
            pragma.CommandText = "PRAGMA writable_schema = ON";
            pragma.ExecuteNonQuery();
        }
        catch (SqliteException ex)
        {
            findings.Add($"the damaged database cannot be opened at all ({ex.Message}); nothing was salvaged");
            return (workers, entries, [], true);
        }
        Scan(connection, "SELECT id, component, name FROM workers WHERE id > $after ORDER BY id", "workers", findings, reader =>
        {
            workers[reader.GetInt64(0)] = new WorkerId(reader.GetString(1), reader.GetString(2));
            return reader.GetInt64(0);
        });
        var entriesDamaged = Scan(connection, "SELECT seq, worker, idx, crc, payload FROM entries WHERE seq > $after ORDER BY seq", "entries", findings, reader =>
        {
            if (reader.GetValue(3) is long crc && reader.GetValue(4) is byte[] payload)
            {
                var key = reader.GetInt64(1);
                if (!entries.TryGetValue(key, out var list)) entries[key] = list = [];
                list.Add(new Row(reader.GetInt64(2), (uint)crc, payload));
            }
            return reader.GetInt64(0);
        });
        return (workers, entries, workers.Keys.ToDictionary(key => key, key => LastIndex(connection, key)), entriesDamaged);
    }

    /// <summary>
    /// A worker's last index as the <c>(worker, idx)</c> index records it, or null when the index pages
    /// on the way to it are damaged too. The index is a separate B-tree whose pages lie elsewhere in
    /// the file than the rows they point to, so it often still knows entries whose rows were lost:
    /// that is how a worker cut short is named rather than covered by a general warning.
    /// </summary>
    private static long? LastIndex(SqliteConnection connection, long worker)
    {
        try
        {
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT MAX(idx) FROM entries INDEXED BY entries_by_worker WHERE worker = $w";
            command.Parameters.AddWithValue("$w", worker);
            return command.ExecuteScalar() is long last ? last : 0;
        }
        catch (SqliteException)
        {
            return null;
        }
    }

    /// <summary>
    /// Reads a table in key order, row by row. When a damaged page stops the read, probes further
    /// keys (1, 2, 4, … past the last good one) to read what lies beyond it. Returns whether any
    /// part of the table could not be read.
    /// </summary>
    private static bool Scan(SqliteConnection connection, string sql, string table, List<string> findings, Func<SqliteDataReader, long> row)
    {
        long after = long.MinValue;
        var probes = 0;
        long step = 1;
        long? damagedAfter = null;
        while (probes <= MaxProbes)
        {
            try
            {
                using var command = connection.CreateCommand();
                command.CommandText = sql;
                command.Parameters.AddWithValue("$after", after);
                using var reader = command.ExecuteReader();
                while (reader.Read())
                {
                    after = row(reader);
                    step = 1;
                }
                break;
            }
            catch (SqliteException)
            {
                damagedAfter ??= after;
                probes++;
                after = after == long.MinValue ? step : after + step;
                step *= 2;
            }
        }
        if (damagedAfter is { } at)
        {
            findings.Add($"the {table} table is damaged after key {(at == long.MinValue ? "(start)" : at.ToString(CultureInfo.InvariantCulture))}; "
                + (probes > MaxProbes ? "nothing beyond could be read" : $"reading resumed after key {after}")
                + (table == "entries" ? " — any worker may have lost its most recent entries" : ""));
        }
        return damagedAfter is not null;
    }
}
