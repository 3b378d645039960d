using Clay.Storage.Postgres;
using Npgsql;

namespace Clay.Cluster.Tests;

/// <summary>
/// A schema of its own in the test PostgreSQL server (<c>CLAY_TEST_POSTGRES</c>, or the one
/// <c>scripts/postgres.sh</c> runs), dropped afterwards. Without a server the test fails saying how to get one.
/// </summary>
public sealed class ScratchSchema : IAsyncDisposable
{
    public string Name { get; } = "dup_" + Guid.NewGuid().ToString("N")[..20];

    public static string Url { get; } = Find();

    public PostgresStoreOptions Options => new() { ConnectionString = Url, Schema = Name };

    public async ValueTask DisposeAsync()
    {
        await using var connection = new NpgsqlConnection(PostgresConnectionString.Parse(Url).ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"DROP SCHEMA IF EXISTS \"{Name}\" CASCADE", connection);
        await command.ExecuteNonQueryAsync();
    }

    private static string Find()
    {
        var fromEnvironment = Environment.GetEnvironmentVariable("CLAY_TEST_POSTGRES");
        if (!string.IsNullOrWhiteSpace(fromEnvironment)) return fromEnvironment.Trim();
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (!File.Exists(Path.Combine(dir.FullName, "Clay.slnx"))) continue;
            var file = Path.Combine(dir.FullName, "artifacts", "postgres", "url");
            if (File.Exists(file)) return File.ReadAllText(file).Trim();
            break;
        }
        throw new InvalidOperationException(
            "no PostgreSQL server for the cluster tests: run scripts/postgres.sh start or set CLAY_TEST_POSTGRES=postgres://USER:PASSWORD@HOST:PORT/DATABASE");
    }
}
