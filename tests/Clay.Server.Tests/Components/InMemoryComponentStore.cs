using System.Collections.Concurrent;
using Clay.Server.Components;

namespace Clay.Server.Tests.Components;

/// <summary>
/// The cluster's shared component store kept in memory, for testing what a node does with its own
/// data directory; it counts the packages read, so a test sees when a node unpacked a version.
/// </summary>
internal sealed class InMemoryComponentStore : IComponentStore
{
    private readonly ConcurrentDictionary<(string, long), (ComponentRecord Record, byte[] Package)> _versions = new();
    private int _packagesRead;

    /// <summary>How many times a package's bytes were read.</summary>
    public int PackagesRead => Volatile.Read(ref _packagesRead);

    public Task<IReadOnlyList<ComponentRecord>> ReadAsync(string? name, long fromVersion, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<ComponentRecord>>([.. _versions.Values.Select(v => v.Record)
            .Where(r => (name is null || r.Name == name) && r.Version >= fromVersion)
            .OrderBy(r => r.Name, StringComparer.Ordinal).ThenBy(r => r.Version)]);

    public Task<bool> TryInsertAsync(ComponentRecord record, byte[] package, CancellationToken cancellationToken) =>
        Task.FromResult(_versions.TryAdd((record.Name, record.Version), (record, package)));

    public Task<byte[]> ReadPackageAsync(string name, long version, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _packagesRead);
        return Task.FromResult(_versions[(name, version)].Package);
    }
}
