using Clay.Runtime.Errors;
using Clay.Storage.Postgres;
using Npgsql;

namespace Clay.Server.Cluster;

/// <summary>
/// The cluster's PostgreSQL database as the server uses it beside the oplog store: Orleans'
/// membership tables, the component registry and the worker counts, all in Clay's schema. Opening it
/// creates what is missing (idempotently, under an advisory lock, so nodes starting together do it once).
/// </summary>
public sealed class ClusterDatabase : IAsyncDisposable
{
    /// <summary>The schema that holds Clay's tables, the oplog store's among them.</summary>
    public const string Schema = "clay";

    private const string Tables = """
        CREATE TABLE IF NOT EXISTS {s}.components (
            name text COLLATE "C" NOT NULL,
            version bigint NOT NULL,
            id uuid NOT NULL,
            size bigint NOT NULL,
            hash text NOT NULL,
            created_at timestamptz NOT NULL,
            entry_assembly text NOT NULL,
            wit text NOT NULL,
            interface text NOT NULL,
            package bytea NOT NULL,
            PRIMARY KEY (name, version));
        CREATE TABLE IF NOT EXISTS {s}.worker_counts (
            component text COLLATE "C" PRIMARY KEY,
            count bigint NOT NULL);
        CREATE TABLE IF NOT EXISTS {s}.settings (
            name text COLLATE "C" PRIMARY KEY,
            value text NOT NULL);
        """;

    private ClusterDatabase(NpgsqlDataSource dataSource, string description, string orleansConnectionString)
    {
        DataSource = dataSource;
        Description = description;
        OrleansConnectionString = orleansConnectionString;
    }

    /// <summary>Connections to the database.</summary>
    public NpgsqlDataSource DataSource { get; }

    /// <summary>Where the database is, for messages: <c>USER@HOST:PORT/DATABASE</c>, never the password.</summary>
    public string Description { get; }

    /// <summary>The connection string Orleans' ADO.NET clustering uses: Clay's schema first on its search path.</summary>
    public string OrleansConnectionString { get; }

    /// <summary>The host name or address of the database server.</summary>
    public string Host => new NpgsqlConnectionStringBuilder(OrleansConnectionString).Host ?? "localhost";

    /// <summary>The database server's port.</summary>
    public int Port => new NpgsqlConnectionStringBuilder(OrleansConnectionString).Port;

    /// <summary>Connects and creates the cluster's tables; the oplog store has created the schema.</summary>
    /// <exception cref="ClayException"><c>invalid-arguments</c> for a bad URL, <c>storage-unavailable</c> when it cannot be reached.</exception>
    public static async Task<ClusterDatabase> OpenAsync(string url, CancellationToken cancellationToken = default)
    {
        var settings = PostgresConnectionString.Parse(url);
        var description = PostgresConnectionString.Describe(settings);
        var dataSource = new NpgsqlDataSourceBuilder(settings.ConnectionString).Build();
        try
        {
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using (var command = new NpgsqlCommand("SELECT pg_advisory_xact_lock(hashtextextended('clay-cluster:' || $1, 0))", connection))
            {
                command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = Schema });
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
            await using (var command = new NpgsqlCommand(Sql(Tables) + Sql(MembershipSql.Script), connection))
            {
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
        {
            await dataSource.DisposeAsync().ConfigureAwait(false);
            throw new ClayException(ErrorCodes.StorageUnavailable, $"cannot prepare the cluster's tables in PostgreSQL at {description}: {ex.Message}", ex);
        }
        var orleans = new NpgsqlConnectionStringBuilder(settings.ConnectionString) { SearchPath = Schema, ApplicationName = "clay-membership" };
        return new ClusterDatabase(dataSource, description, orleans.ConnectionString);
    }

    /// <summary>
    /// The cluster's access token: the first node to ask stores <paramref name="proposed"/> (its own);
    /// every node answers with the one stored, so a client's token works on every node.
    /// </summary>
    /// <exception cref="ClayException"><c>storage-unavailable</c>.</exception>
    public async Task<string> SharedTokenAsync(string proposed, CancellationToken cancellationToken = default)
    {
        try
        {
            // The row another node stored is not visible to the insert's own statement: the union reads it.
            await using var command = DataSource.CreateCommand(Sql("""
                WITH stored AS (
                    INSERT INTO {s}.settings (name, value) VALUES ('access-token', $1) ON CONFLICT (name) DO NOTHING RETURNING value)
                SELECT value FROM stored UNION ALL SELECT value FROM {s}.settings WHERE name = 'access-token' LIMIT 1
                """));
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = proposed });
            return (string)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
        {
            throw new ClayException(ErrorCodes.StorageUnavailable, $"cannot read the cluster's access token from PostgreSQL at {Description}: {ex.Message}", ex);
        }
    }

    /// <summary>Puts the quoted schema into a statement.</summary>
    public static string Sql(string text) => text.Replace("{s}", $"\"{Schema}\"", StringComparison.Ordinal);

    /// <inheritdoc/>
    public ValueTask DisposeAsync() => DataSource.DisposeAsync();
}
