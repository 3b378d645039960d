using Clay.Runtime.Errors;
using Clay.Storage.Postgres;
using Npgsql;
using static Clay.Storage.Tests.Contract.StoreTestData;

namespace Clay.Storage.Tests.Postgres;

/// <summary>Opening the PostgreSQL store: the schema it creates and migrates, and the servers it refuses.</summary>
public sealed class PostgresSchemaTests : IAsyncLifetime
{
    private readonly PostgresFixture _fixture = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _fixture.DisposeAsync();

    [Fact]
    public async Task Stores_opening_at_once_on_a_new_schema_create_it_once_at_the_latest_version()
    {
        var stores = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => _fixture.OpenPostgresAsync()));
        await stores[0].AppendAsync(Worker("a"), 1, Entries(1));
        foreach (var store in stores) await store.DisposeAsync();
        await using (var reopened = await _fixture.OpenPostgresAsync())
        {
            Assert.Equal(1, await reopened.GetLastIndexAsync(Worker("a")));
        }

        // Each migration ran once, in order, up to the latest.
        Assert.Equal(Enumerable.Range(1, StoreSchema.LatestVersion), await VersionsAsync());
    }

    [Fact]
    public async Task A_schema_written_by_a_newer_clay_is_refused_with_a_clear_error()
    {
        await (await _fixture.OpenPostgresAsync()).DisposeAsync();
        await _fixture.ExecuteAsync("INSERT INTO {s}.schema_version (version) VALUES (99)");

        var error = await Assert.ThrowsAsync<ClayException>(() => _fixture.OpenPostgresAsync());

        Assert.Equal("storage-unavailable", error.Code);
        Assert.Equal($"the PostgreSQL schema '{_fixture.Schema}' is at version 99, newer than this Clay understands ({StoreSchema.LatestVersion}): a newer Clay has used this database; upgrade Clay", error.Message);
    }

    [Fact]
    public async Task An_unreachable_server_is_reported_by_address_without_the_password()
    {
        var error = await Assert.ThrowsAsync<ClayException>(() => PostgresOplogStore.OpenAsync(
            new PostgresStoreOptions { ConnectionString = "postgres://clay:s3cret@127.0.0.1:1/clay?connect_timeout=5" }));

        Assert.Equal("storage-unavailable", error.Code);
        Assert.StartsWith("cannot open the oplog store in PostgreSQL at clay@127.0.0.1:1/clay: ", error.Message);
        Assert.DoesNotContain("s3cret", error.Message);
    }

    [Fact]
    public async Task A_server_that_would_acknowledge_commits_before_they_are_flushed_is_refused()
    {
        var settings = PostgresConnectionString.Parse(PostgresServer.ConnectionString);
        settings.Options = "-c synchronous_commit=off";

        var error = await Assert.ThrowsAsync<ClayException>(() => PostgresOplogStore.OpenAsync(
            new PostgresStoreOptions { ConnectionString = settings.ConnectionString, Schema = _fixture.Schema }));

        Assert.Equal("storage-unavailable", error.Code);
        Assert.Contains("runs with synchronous_commit=off, fsync=on: a commit it reports could still be lost", error.Message);
    }

    [Theory]
    [InlineData("Clay")]
    [InlineData("clay-test")]
    [InlineData("x; DROP TABLE t")]
    public async Task A_schema_name_that_is_not_a_plain_identifier_is_refused(string schema)
    {
        var error = await Assert.ThrowsAsync<ClayException>(() => PostgresOplogStore.OpenAsync(
            new PostgresStoreOptions { ConnectionString = PostgresServer.ConnectionString, Schema = schema }));

        Assert.Equal("invalid-arguments", error.Code);
        Assert.StartsWith($"the PostgreSQL schema name '{schema}' is not valid", error.Message);
    }

    private async Task<List<int>> VersionsAsync()
    {
        await using var connection = await PostgresServer.ConnectAsync();
        await using var command = new NpgsqlCommand($"SELECT version FROM \"{_fixture.Schema}\".schema_version ORDER BY version", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var versions = new List<int>();
        while (await reader.ReadAsync()) versions.Add(reader.GetInt32(0));
        return versions;
    }
}
