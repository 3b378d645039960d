namespace Clay.Server.Components;

/// <summary>
/// Where a cluster keeps its component registry: every version's record and package bytes, seen by
/// every node. A node unpacks a version into its data directory and loads it on first use.
/// </summary>
/// <remarks>Thread-safe. Versions of a name are numbered from 0 without gaps; the store refuses a version that exists.</remarks>
public interface IComponentStore
{
    /// <summary>The records of <paramref name="name"/> (every component when null) from version <paramref name="fromVersion"/> on, by name then version.</summary>
    Task<IReadOnlyList<ComponentRecord>> ReadAsync(string? name, long fromVersion, CancellationToken cancellationToken);

    /// <summary>Stores a new version with its package; false when that version exists already (another node stored it first).</summary>
    Task<bool> TryInsertAsync(ComponentRecord record, byte[] package, CancellationToken cancellationToken);

    /// <summary>The package bytes of a stored version.</summary>
    Task<byte[]> ReadPackageAsync(string name, long version, CancellationToken cancellationToken);
}
