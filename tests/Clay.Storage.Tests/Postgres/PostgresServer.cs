using Clay.Storage.Postgres;
using Npgsql;

namespace Clay.Storage.Tests.Postgres;

/// <summary>
/// The PostgreSQL server the tests use: <c>CLAY_TEST_POSTGRES</c>, or the local one that
/// <c>scripts/postgres.sh</c> runs (its URL is in <c>artifacts/postgres/url</c>). Without either the
/// PostgreSQL tests fail with a message saying how to get one: CI must run them for real.
/// </summary>
public static class PostgresServer
{
    private static readonly Lazy<string> Url = new(Find);

    /// <summary>The server's connection string, as the store takes it.</summary>
    public static string ConnectionString => Url.Value;

    /// <summary>Opens a connection of the test's own, for SQL behind the store's back.</summary>
    public static async Task<NpgsqlConnection> ConnectAsync()
    {
        var connection = new NpgsqlConnection(PostgresConnectionString.Parse(ConnectionString).ConnectionString);
        await connection.OpenAsync();
        return connection;
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
            "no PostgreSQL server for the storage tests: run scripts/postgres.sh start (it installs and starts a local one; ./test.sh does it for you) or set CLAY_TEST_POSTGRES=postgres://USER:PASSWORD@HOST:PORT/DATABASE");
    }
}
