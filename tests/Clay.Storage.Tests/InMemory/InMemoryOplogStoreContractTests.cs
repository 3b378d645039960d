using Clay.Runtime.Storage;
using Clay.Storage.Tests.Contract;

namespace Clay.Storage.Tests.InMemory;

/// <summary>The store contract against <see cref="InMemoryOplogStore"/>.</summary>
public sealed class InMemoryOplogStoreContractTests : OplogStoreContract
{
    protected override IStoreFixture Fixture { get; } = new InMemoryFixture();

    private sealed class InMemoryFixture : IStoreFixture
    {
        public Task<IOplogStore> OpenAsync() => Task.FromResult<IOplogStore>(new InMemoryOplogStore());

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
