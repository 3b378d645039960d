using Clay.Storage.Tests.Contract;

namespace Clay.Storage.Tests.Sqlite;

/// <summary>The store contract against the embedded SQLite store.</summary>
public sealed class SqliteOplogStoreContractTests : DurableOplogStoreContract
{
    protected override IDurableStoreFixture DurableFixture { get; } = new SqliteFixture();
}
