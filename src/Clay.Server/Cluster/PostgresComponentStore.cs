using Clay.Runtime.Errors;
using Clay.Server.Components;
using Npgsql;

namespace Clay.Server.Cluster;

/// <summary>The cluster's component registry in PostgreSQL: one row per version, its package bytes with it.</summary>
public sealed class PostgresComponentStore(ClusterDatabase database) : IComponentStore
{
    private const string Columns = "name, version, id, size, hash, created_at, entry_assembly, wit, interface";

    /// <inheritdoc/>
    public async Task<IReadOnlyList<ComponentRecord>> ReadAsync(string? name, long fromVersion, CancellationToken cancellationToken)
    {
        try
        {
            await using var command = database.DataSource.CreateCommand(ClusterDatabase.Sql(
                $"SELECT {Columns} FROM {{s}}.components WHERE ($1::text IS NULL OR name = $1) AND version >= $2 ORDER BY name, version"));
            command.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = name, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
            command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = fromVersion });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            var records = new List<ComponentRecord>();
            while (await reader.ReadAsync(cancellationToken))
            {
                records.Add(new ComponentRecord(reader.GetString(0), reader.GetInt64(1), reader.GetGuid(2), reader.GetInt64(3), reader.GetString(4),
                    reader.GetFieldValue<DateTimeOffset>(5), reader.GetString(6), reader.GetString(7), reader.GetString(8)));
            }
            return records;
        }
        catch (NpgsqlException ex)
        {
            throw Unavailable("read the component registry", ex);
        }
    }

    /// <inheritdoc/>
    public async Task<bool> TryInsertAsync(ComponentRecord record, byte[] package, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        try
        {
            await using var command = database.DataSource.CreateCommand(ClusterDatabase.Sql(
                $"INSERT INTO {{s}}.components ({Columns}, package) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT DO NOTHING"));
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = record.Name });
            command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = record.Version });
            command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = record.Id });
            command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = record.Size });
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = record.Hash });
            command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = record.CreatedAt.ToUniversalTime() });
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = record.EntryAssembly });
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = record.Wit });
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = record.InterfaceJson });
            command.Parameters.Add(new NpgsqlParameter<byte[]> { TypedValue = package });
            return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
        }
        catch (NpgsqlException ex)
        {
            throw Unavailable($"store component {record.Name} version {record.Version}", ex);
        }
    }

    /// <inheritdoc/>
    public async Task<byte[]> ReadPackageAsync(string name, long version, CancellationToken cancellationToken)
    {
        try
        {
            await using var command = database.DataSource.CreateCommand(ClusterDatabase.Sql("SELECT package FROM {s}.components WHERE name = $1 AND version = $2"));
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = name });
            command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = version });
            return await command.ExecuteScalarAsync(cancellationToken) as byte[]
                ?? throw new ClayException(ErrorCodes.ComponentNotFound, $"component {name} has no version {version}");
        }
        catch (NpgsqlException ex)
        {
            throw Unavailable($"read the package of component {name} version {version}", ex);
        }
    }

    private ClayException Unavailable(string what, Exception ex) =>
        new(ErrorCodes.StorageUnavailable, $"cannot {what} in PostgreSQL at {database.Description}: {ex.Message}", ex);
}
