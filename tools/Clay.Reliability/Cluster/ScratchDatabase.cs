using Clay.Storage.Postgres;
using Npgsql;

namespace Clay.Reliability.Cluster;

/// <summary>A database of its own on a PostgreSQL server, for one cluster run; dropped when disposed.</summary>
public sealed class ScratchDatabase : IAsyncDisposable
{
    private readonly string _adminConnectionString;

    private ScratchDatabase(string adminConnectionString, string name, string url)
    {
        _adminConnectionString = adminConnectionString;
        Name = name;
        Url = url;
    }

    /// <summary>The database's name.</summary>
    public string Name { get; }

    /// <summary>Its URL, as <c>clay-server --cluster</c> takes it.</summary>
    public string Url { get; }

    /// <summary>Creates a fresh database on the server of <paramref name="serverUrl"/> (a postgres:// URL whose user may create databases).</summary>
    public static async Task<ScratchDatabase> CreateAsync(string serverUrl, string prefix = "clay_cluster")
    {
        var admin = PostgresConnectionString.Parse(serverUrl).ConnectionString;
        var name = $"{prefix}_{Guid.NewGuid():N}"[..40];
        await using (var connection = new NpgsqlConnection(admin))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            await command.ExecuteNonQueryAsync();
        }
        var url = new UriBuilder(serverUrl) { Path = "/" + name }.Uri.ToString();
        return new ScratchDatabase(admin, name, url);
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(_adminConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{Name}\" WITH (FORCE)", connection);
        await command.ExecuteNonQueryAsync();
    }
}
