using System.Globalization;
using Clay.Runtime.Errors;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace Clay.Server.Components;

public sealed partial class ComponentRegistry
{
    private void LoadRecords()
    {
        using var command = _db!.CreateCommand();
        command.CommandText = "SELECT name, version, id, size, hash, created_at, entry_assembly, wit, interface, deleted_at FROM components ORDER BY name, version";
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            var record = new ComponentRecord(reader.GetString(0), reader.GetInt64(1), Guid.Parse(reader.GetString(2)), reader.GetInt64(3),
                reader.GetString(4), ParseTime(reader.GetString(5)), reader.GetString(6), reader.GetString(7), reader.GetString(8),
                reader.IsDBNull(9) ? null : ParseTime(reader.GetString(9)));
            _records.GetOrAdd(record.Name, _ => []).Add(record);
        }
    }

    /// <summary>Registries written before versions could be deleted have no <c>deleted_at</c> column: add it.</summary>
    private void AddDeletedColumn()
    {
        using var command = _db!.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM pragma_table_info('components') WHERE name = 'deleted_at'";
        if ((long)command.ExecuteScalar()! == 0) Execute("ALTER TABLE components ADD COLUMN deleted_at TEXT");
    }

    /// <summary>
    /// Removes what a crash left: staging files of uploads in flight, and version directories
    /// with no live row (moved into place but never recorded, or recorded deleted but not yet removed).
    /// </summary>
    private void SweepLeftovers()
    {
        if (Directory.Exists(_staging))
        {
            foreach (var leftover in Directory.EnumerateFileSystemEntries(_staging))
            {
                if (File.Exists(leftover)) File.Delete(leftover);
                else TryDelete(leftover);
            }
        }
        var live = _records.Values.SelectMany(v => v).Where(r => r.DeletedAt is null)
            .Select(r => Path.GetFullPath(VersionDirectory(r.Name, r.Version))).ToHashSet(StringComparer.Ordinal);
        foreach (var component in Directory.EnumerateDirectories(_root))
        {
            foreach (var version in Directory.EnumerateDirectories(component))
            {
                if (live.Contains(Path.GetFullPath(version))) continue;
                _logger.LogInformation("Removing {Directory}: no component version is recorded for it", version);
                TryDelete(version);
            }
        }
    }

    private void Insert(ComponentRecord record)
    {
        lock (_writeGate)
        {
            using var command = _db!.CreateCommand();
            command.CommandText = """
                INSERT INTO components (name, version, id, size, hash, created_at, entry_assembly, wit, interface)
                VALUES ($name, $version, $id, $size, $hash, $created, $entry, $wit, $interface)
                """;
            command.Parameters.AddWithValue("$name", record.Name);
            command.Parameters.AddWithValue("$version", record.Version);
            command.Parameters.AddWithValue("$id", record.Id.ToString());
            command.Parameters.AddWithValue("$size", record.Size);
            command.Parameters.AddWithValue("$hash", record.Hash);
            command.Parameters.AddWithValue("$created", record.CreatedAt.ToString("O", CultureInfo.InvariantCulture));
            command.Parameters.AddWithValue("$entry", record.EntryAssembly);
            command.Parameters.AddWithValue("$wit", record.Wit);
            command.Parameters.AddWithValue("$interface", record.InterfaceJson);
            Write(command);
        }
        var versions = _records.GetOrAdd(record.Name, _ => []);
        lock (versions) versions.Add(record);
    }

    /// <summary>Records versions as deleted, in one durable transaction; their rows stay so that their numbers are never reused.</summary>
    private void MarkDeleted(string name, IReadOnlyList<long> versions, DateTimeOffset at)
    {
        lock (_writeGate)
        {
            using var transaction = _db!.BeginTransaction();
            foreach (var version in versions)
            {
                using var command = _db!.CreateCommand();
                command.Transaction = transaction;
                command.CommandText = "UPDATE components SET deleted_at = $at WHERE name = $name AND version = $version";
                command.Parameters.AddWithValue("$at", at.ToString("O", CultureInfo.InvariantCulture));
                command.Parameters.AddWithValue("$name", name);
                command.Parameters.AddWithValue("$version", version);
                Write(command);
            }
            try
            {
                transaction.Commit();
            }
            catch (SqliteException ex)
            {
                throw Unavailable(ex);
            }
        }
        var records = _records[name];
        lock (records)
        {
            foreach (var version in versions) records[(int)version] = records[(int)version] with { DeletedAt = at };
        }
    }

    private static void Write(SqliteCommand command)
    {
        try
        {
            command.ExecuteNonQuery();
        }
        catch (SqliteException ex)
        {
            throw Unavailable(ex);
        }
    }

    private static ClayException Unavailable(SqliteException ex) =>
        new(ErrorCodes.StorageUnavailable, $"the component registry cannot be written: {ex.Message} (is the disk full?)", ex);

    private static DateTimeOffset ParseTime(string text) => DateTimeOffset.Parse(text, CultureInfo.InvariantCulture);

    private void Execute(string sql)
    {
        using var command = _db!.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
