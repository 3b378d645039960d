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
        if (!_loaded.ContainsKey((record.Name, record.Version))) await EnsureUnpackedAsync(record, cancellationToken);
        return Load(record);
    }

    /// <summary>Unpacks a version from the shared store into this node's data directory, unless it is there already.</summary>
    private async Task EnsureUnpackedAsync(ComponentRecord record, CancellationToken cancellationToken)
    {
        var target = VersionDirectory(record.Name, record.Version);
        if (File.Exists(Path.Combine(target, record.EntryAssembly))) return;
        var bytes = await _shared!.ReadPackageAsync(record.Name, record.Version, cancellationToken);
        // Unpacked beside the target and moved into place whole, so a node that dies half-way leaves
        // no half-unpacked version behind, and two callers at once do not write into each other's files.
        var staging = target + ".unpacking-" + Guid.NewGuid().ToString("N");
        Directory.CreateDirectory(staging);
        try
        {
            Unpack(bytes, staging);
            if (Directory.Exists(target)) Directory.Delete(target, recursive: true);
            Directory.Move(staging, target);
        }
        catch (IOException) when (File.Exists(Path.Combine(target, record.EntryAssembly)))
        {
            // Another caller moved its copy into place first.
        }
        finally
        {
            if (Directory.Exists(staging)) Directory.Delete(staging, recursive: true);
        }
    }

    /// <summary>
    /// Stores a package as the next version in the shared store. Two nodes may pick the same number at
    /// once: the store keeps the first, and the other tries again with the next number — unless the
    /// version that won holds the same package, which is then the answer, unchanged.
    /// </summary>
    private async Task<(ComponentRecord Record, bool Unchanged)> UploadSharedAsync(string name, byte[] bytes, string hash, CancellationToken cancellationToken)
    {
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
            var target = VersionDirectory(name, version);
            if (Directory.Exists(target)) Directory.Delete(target, recursive: true);
            Directory.CreateDirectory(target);
            try
            {
                var entryAssembly = Unpack(bytes, target);
                var loaded = LoadModel(name, version, bytes.LongLength, target, entryAssembly);
                var record = new ComponentRecord(name, version, latest?.Id ?? Guid.NewGuid(), bytes.LongLength, hash, DateTimeOffset.UtcNow, entryAssembly,
                    WitPrinter.Print(loaded.Model), DescribeExports(loaded.Model));
                if (!await _shared!.TryInsertAsync(record, bytes, cancellationToken))
                {
                    Directory.Delete(target, recursive: true);
                    continue;
                }
                var versions = _records.GetOrAdd(name, _ => []);
                lock (versions)
                {
                    if (versions.Count == version) versions.Add(record);
                }
                _loaded[(name, version)] = new Lazy<LoadedComponent>(loaded);
                _logger.LogInformation("Component {Name} version {Version} stored in the cluster ({Size} bytes)", name, version, bytes.LongLength);
                return (record, false);
            }
            catch
            {
                if (Directory.Exists(target)) Directory.Delete(target, recursive: true);
                throw;
            }
        }
    }
}
