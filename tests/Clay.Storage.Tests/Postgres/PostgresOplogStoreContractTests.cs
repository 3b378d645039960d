using Clay.Storage.Tests.Contract;

namespace Clay.Storage.Tests.Postgres;

/// <summary>The store contract against the PostgreSQL store, on a real server.</summary>
public sealed class PostgresOplogStoreContractTests : DurableOplogStoreContract
{
    protected override IDurableStoreFixture DurableFixture { get; } = new PostgresFixture();
}
