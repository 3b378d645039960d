using Clay.Runtime.Errors;
using Clay.Runtime.Execution;
using Clay.Runtime.Types;

namespace Clay.Server.Components;

public sealed partial class ComponentRegistry
{
    /// <summary>
    /// A component version (the latest when <paramref name="version"/> is null). In a cluster the
    /// latest is asked of the shared store each time, since another node may have uploaded one.
    /// </summary>
    /// <exception cref="ClayException"><c>component-not-found</c>.</exception>
    public async ValueTask<ComponentRecord> GetAsync(string name, long? version, CancellationToken cancellationToken)
    {
        if (_shared is not null && (version is null || !IsKnown(name, version.Value))) await RefreshAsync(name, cancellationToken);
        return Get(name, version);
    }

    /// <summary>The latest version of every component, by name; in a cluster, as the shared store has them now.</summary>
    public async ValueTask<IReadOnlyList<ComponentRecord>> ListAsync(CancellationToken cancellationToken)
    {
        if (_shared is not null) await RefreshAsync(null, cancellationToken);
        return List();
    }

    /// <summary>
    /// A version for a component host to load (the latest new workers may start on when
    /// <paramref name="version"/> is null): in a cluster, asked of the shared store and unpacked on this
    /// node first, so its directory holds the whole package.
    /// </summary>
    /// <exception cref="ClayException"><c>component-not-found</c>, also for a deleted version.</exception>
    internal async ValueTask<ComponentRecord> LocateAsync(string name, long? version, CancellationToken cancellationToken)
    {
        if (_shared is not null && (version is null || !IsKnown(name, version.Value))) await RefreshAsync(name, cancellationToken);
        var record = version is null ? Latest(name) : Get(name, version);
        if (_shared is not null) await EnsureUnpackedAsync(record, null, cancellationToken);
        return record;
    }

    private bool IsKnown(string name, long version)
    {
        if (!_records.TryGetValue(name, out var versions)) return false;
        lock (versions) return version >= 0 && version < versions.Count;
    }

    /// <summary>Adds the versions the shared store has and this node does not know yet.</summary>
    private async Task RefreshAsync(string? name, CancellationToken cancellationToken)
    {
        var from = name is not null && _records.TryGetValue(name, out var known) ? Count(known) : 0;
        foreach (var record in await _shared!.ReadAsync(name, from, cancellationToken))
        {
            var versions = _records.GetOrAdd(record.Name, _ => []);
            lock (versions)
            {
                if (record.Version == versions.Count) versions.Add(record);
            }
        }

        static int Count(List<ComponentRecord> versions)
        {
            lock (versions) return versions.Count;
        }
    }

    private async ValueTask<LoadedComponent> LoadSharedAsync(string name, long? version, CancellationToken cancellationToken)
    {
        var record = await GetAsync(name, version, cancellationToken);
        if (!_loaded.ContainsKey((record.Name, record.Version))) await EnsureUnpackedAsync(record, null, cancellationToken);
        return Load(record);
    }

    /// <summary>
    /// Unpacks a version from the shared store (or from <paramref name="package"/>, its bytes) into this
    /// node's data directory, unless a whole copy of it is there already. A copy is whole when its marker
    /// names the record's hash: a directory torn by a crash, or holding another package that once had this
    /// number, is unpacked again, never used. One unpack per version at a time on this node.
    /// </summary>
    private async Task EnsureUnpackedAsync(ComponentRecord record, byte[]? package, CancellationToken cancellationToken)
    {
        var target = VersionDirectory(record.Name, record.Version);
        if (IsUnpacked(target, record.Hash)) return;
        var gate = _unpackGates.GetOrAdd((record.Name, record.Version), _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken);
        try
        {
            if (IsUnpacked(target, record.Hash)) return;
            var bytes = package ?? await _shared!.ReadPackageAsync(record.Name, record.Version, cancellationToken);
            if (Directory.Exists(target)) _logger.LogWarning("Component {Name} version {Version}: the unpacked copy in {Directory} is incomplete; unpacking it again", record.Name, record.Version, target);
            UnpackAtomically(bytes, record.Hash, target, keepPackage: false);
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>
    /// Stores a package, validated and unpacked into <paramref name="unpacked"/>, as the next version in
    /// the shared store. Two nodes may pick the same number at once: the store keeps the first, and the
    /// other tries again with the next number — unless the version that won holds the same package,
    /// which is then the answer, unchanged. The version directory is only written once the version is
    /// the store's, so a node that loses the race for the number (or dies) leaves no other package
    /// under that number.
    /// </summary>
    private async Task<(ComponentRecord Record, bool Unchanged)> UploadSharedAsync(string name, byte[] bytes, string hash, string unpacked,
        string entryAssembly, CancellationToken cancellationToken)
    {
        var described = LoadChecked(name, 0, bytes.LongLength, unpacked, entryAssembly).Model;
        while (true)
        {
            await RefreshAsync(name, cancellationToken);
            ComponentRecord? latest = null;
            if (_records.TryGetValue(name, out var existing))
            {
                lock (existing) latest = existing.Count > 0 ? existing[^1] : null;
            }
            if (latest?.Hash == hash) return (latest, true);
            var version = latest is null ? 0 : latest.Version + 1;
            var record = new ComponentRecord(name, version, latest?.Id ?? Guid.NewGuid(), bytes.LongLength, hash, DateTimeOffset.UtcNow, entryAssembly,
                WitPrinter.Print(described), DescribeExports(described));
            if (!await _shared!.TryInsertAsync(record, bytes, cancellationToken)) continue;
            var versions = _records.GetOrAdd(name, _ => []);
            lock (versions)
            {
                if (versions.Count == version) versions.Add(record);
            }
            await EnsureUnpackedAsync(record, bytes, cancellationToken);
            Load(record);
            _logger.LogInformation("Component {Name} version {Version} stored in the cluster ({Size} bytes)", name, version, bytes.LongLength);
            VersionAdded?.Invoke(name);
            return (record, false);
        }
    }
}
