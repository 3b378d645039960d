using System.Text.RegularExpressions;
using Clay.Runtime.Errors;
using Npgsql;

namespace Clay.Storage.Postgres;

/// <summary>
/// The tables of a Clay schema and the migrations that build them. The store applies what is missing
/// when it opens, in one transaction under an advisory lock, so nodes starting together migrate once.
/// </summary>
/// <remarks>
/// Version 1:
/// <code>
/// workers        id (identity) │ component, name (UNIQUE, "C" collation: ordinal order) │ last_index
/// oplog_entries  (worker_id, idx) PRIMARY KEY │ crc: CRC-32C of idx and payload │ payload bytea
/// </code>
/// Version 2 adds each worker's mark to its row (<c>status</c>, <c>pending</c>, <c>wake_at</c>,
/// <c>last_error</c>; status 1 is Idle), with a partial index on the workers that need attention, and
/// <c>promises (worker_id, promise) PRIMARY KEY │ value bytea</c>.
/// Version 3 adds <c>workers_marked</c>, a partial index on (component, name) of the workers that are not
/// plainly idle, so a listing filtered on a rare status reads those rows only.
/// <c>workers.last_index</c> is the fence: an append locks the worker's row, compares, and moves it in
/// the same transaction as the entries. Entries have no foreign key: the store deletes them with their
/// worker, and a key check per entry would cost every commit. A worker's row is also where its metadata,
/// pending work and timers will live, so they can be written in the same group commit.
/// </remarks>
internal static partial class StoreSchema
{
    /// <summary>The migrations, in order: entry <c>i</c> brings the schema to version <c>i + 1</c>. Never edit a published one.</summary>
    private static readonly string[] Migrations =
    [
        """
        CREATE TABLE {schema}.workers (
            id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            component text COLLATE "C" NOT NULL,
            name text COLLATE "C" NOT NULL,
            last_index bigint NOT NULL DEFAULT 0,
            CONSTRAINT workers_component_name UNIQUE (component, name)
        ) WITH (fillfactor = 80);
        CREATE TABLE {schema}.oplog_entries (
            worker_id bigint NOT NULL,
            idx bigint NOT NULL,
            crc integer NOT NULL,
            payload bytea NOT NULL,
            PRIMARY KEY (worker_id, idx)
        );
        """,
        """
        ALTER TABLE {schema}.workers
            ADD COLUMN status smallint NOT NULL DEFAULT 1,
            ADD COLUMN pending boolean NOT NULL DEFAULT false,
            ADD COLUMN wake_at timestamptz,
            ADD COLUMN last_error text;
        CREATE INDEX workers_needing_attention ON {schema}.workers (id) WHERE pending OR wake_at IS NOT NULL;
        CREATE TABLE {schema}.promises (
            worker_id bigint NOT NULL,
            promise bigint NOT NULL,
            value bytea NOT NULL,
            PRIMARY KEY (worker_id, promise)
        );
        """,
        """
        CREATE INDEX workers_marked ON {schema}.workers (component, name)
            WHERE status <> 1 OR pending OR wake_at IS NOT NULL OR last_error IS NOT NULL;
        """,
        """
        ALTER TABLE {schema}.workers ADD COLUMN version bigint;
        """,
    ];

    /// <summary>The schema version this code writes.</summary>
    public static int LatestVersion => Migrations.Length;

    /// <summary>Checks <paramref name="schema"/> is a plain identifier and returns it quoted for SQL text.</summary>
    public static string Quote(string schema)
    {
        if (!IdentifierPattern().IsMatch(schema))
        {
            throw new ClayException(ErrorCodes.InvalidArguments,
                $"the PostgreSQL schema name '{schema}' is not valid: use lower-case letters, digits and underscores, starting with a letter or underscore");
        }
        return $"\"{schema}\"";
    }

    /// <summary>Creates the schema when missing and applies the migrations it lacks. Returns the version it was at.</summary>
    public static async Task<int> MigrateAsync(NpgsqlConnection connection, string schema, CancellationToken cancellationToken)
    {
        var quoted = Quote(schema);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection, "SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", cancellationToken, "clay-schema:" + schema).ConfigureAwait(false);
        await ExecuteAsync(connection, $"""
            CREATE SCHEMA IF NOT EXISTS {quoted};
            CREATE TABLE IF NOT EXISTS {quoted}.schema_version (
                version integer PRIMARY KEY,
                applied_at timestamptz NOT NULL DEFAULT now());
            """, cancellationToken).ConfigureAwait(false);
        int current;
        await using (var command = new NpgsqlCommand($"SELECT COALESCE(max(version), 0) FROM {quoted}.schema_version", connection))
        {
            current = (int)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        }
        if (current > LatestVersion)
        {
            throw new ClayException(ErrorCodes.StorageUnavailable,
                $"the PostgreSQL schema '{schema}' is at version {current}, newer than this Clay understands ({LatestVersion}): a newer Clay has used this database; upgrade Clay");
        }
        for (var version = current + 1; version <= LatestVersion; version++)
        {
            await ExecuteAsync(connection, Migrations[version - 1].Replace("{schema}", quoted, StringComparison.Ordinal), cancellationToken).ConfigureAwait(false);
            await ExecuteAsync(connection, $"INSERT INTO {quoted}.schema_version (version) VALUES ($1)", cancellationToken, version).ConfigureAwait(false);
        }
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return current;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken, params object[] parameters)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var parameter in parameters) command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    [GeneratedRegex("^[a-z_][a-z0-9_]{0,62}$")]
    private static partial Regex IdentifierPattern();
}
