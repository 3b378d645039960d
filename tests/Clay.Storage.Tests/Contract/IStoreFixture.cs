using Clay.Runtime;
using Clay.Runtime.Storage;

namespace Clay.Storage.Tests.Contract;

/// <summary>A place where one kind of oplog store keeps its data for one test.</summary>
public interface IStoreFixture : IAsyncDisposable
{
    /// <summary>Opens a store on this fixture's data; called again after the previous store is disposed.</summary>
    Task<IOplogStore> OpenAsync();
}

/// <summary>A fixture of a store that keeps its data across reopening, with checksums and group commit.</summary>
public interface IDurableStoreFixture : IStoreFixture
{
    /// <summary>Damages one stored entry behind the store's back (the store is closed while it happens).</summary>
    Task CorruptAsync(WorkerId worker, long index, Corruption corruption);

    /// <summary>
    /// Blocks the store's writer: its next commit that touches <paramref name="worker"/> (which has an
    /// oplog) waits until the returned handle is disposed.
    /// </summary>
    Task<IAsyncDisposable> HoldWritesAsync(WorkerId worker);

    /// <summary>How many transactions the store has committed.</summary>
    long Commits(IOplogStore store);
}

/// <summary>How a stored entry is damaged.</summary>
public enum Corruption
{
    /// <summary>The stored checksum no longer matches.</summary>
    Checksum,

    /// <summary>The payload's bytes are replaced.</summary>
    Payload,

    /// <summary>The row is gone.</summary>
    Missing,
}
