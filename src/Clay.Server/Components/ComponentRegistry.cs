using System.Collections.Concurrent;
using System.Text.Json;
using Clay.Runtime.Components;
using Clay.Runtime.Errors;
using Clay.Runtime.Execution;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace Clay.Server.Components;

/// <summary>
/// The component registry: uploaded packages are validated, unpacked under
/// <c>DATA/components/NAME/VERSION/</c> and recorded in <c>DATA/registry.db</c> — or, in a cluster, in
/// the shared <see cref="IComponentStore"/>, from which every node unpacks a version on first use.
/// Also the executor's <see cref="IComponentCatalog"/>: each version is loaded once per node, in its
/// own load context. Version numbers count up from 0 and are never reused, not even after a delete:
/// a worker's oplog names its version, and must never replay against other code under the same number.
/// </summary>
public sealed partial class ComponentRegistry : IComponentCatalog, IDisposable
{
    /// <summary>The manifest file every package carries.</summary>
    public const string ManifestName = "clay-component.json";

    /// <summary>The package itself, kept in a single server's version directory.</summary>
    private const string PackageFileName = "package.zip";

    private readonly string _root;
    private readonly string _staging;
    private readonly PackageLimits _limits;
    private readonly ILogger _logger;
    private readonly SqliteConnection? _db;
    private readonly IComponentStore? _shared;
    private readonly Lock _writeGate = new();
    private readonly SemaphoreSlim _uploadSlots;
    private readonly SemaphoreSlim _registerGate = new(1, 1);
    // Every version of every component, deleted ones too, indexed by version number.
    private readonly ConcurrentDictionary<string, List<ComponentRecord>> _records = new(StringComparer.Ordinal);
    // Versions being deleted: new workers no longer start on them.
    private readonly ConcurrentDictionary<(string, long), bool> _retiring = new();
    private readonly ConcurrentDictionary<(string, long), Lazy<LoadedComponent>> _loaded = new();
    private readonly ConcurrentDictionary<(string, long), SemaphoreSlim> _unpackGates = new();

    /// <summary>
    /// Opens (or creates) the registry in <paramref name="dataDirectory"/>, or over <paramref name="shared"/>
    /// when given (the data directory then only caches unpacked packages), removing what an interrupted
    /// upload, unpack or delete left behind.
    /// </summary>
    public ComponentRegistry(string dataDirectory, PackageLimits limits, ILogger<ComponentRegistry> logger, IComponentStore? shared = null)
    {
        _root = Path.Combine(dataDirectory, "components");
        _staging = Path.Combine(dataDirectory, "uploads");
        _limits = limits;
        _logger = logger;
        _uploadSlots = new SemaphoreSlim(limits.MaxConcurrentUploads, limits.MaxConcurrentUploads);
        _shared = shared;
        Directory.CreateDirectory(_root);
        RemoveLeftovers(_root);
        if (shared is not null) return;
        _db = new SqliteConnection($"Data Source={Path.Combine(dataDirectory, "registry.db")}");
        _db.Open();
        Execute("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;");
        Execute("""
            CREATE TABLE IF NOT EXISTS components (
              name TEXT NOT NULL, version INTEGER NOT NULL, id TEXT NOT NULL, size INTEGER NOT NULL, hash TEXT NOT NULL,
              created_at TEXT NOT NULL, entry_assembly TEXT NOT NULL, wit TEXT NOT NULL, interface TEXT NOT NULL,
              PRIMARY KEY (name, version)) WITHOUT ROWID;
            """);
        AddDeletedColumn();
        LoadRecords();
        SweepLeftovers();
    }

    /// <summary>The latest version of every component that has one left, by name.</summary>
    public IReadOnlyList<ComponentRecord> List() =>
        _records.Values.Select(v => { lock (v) return v.LastOrDefault(r => r.DeletedAt is null); })
            .OfType<ComponentRecord>().OrderBy(r => r.Name, StringComparer.Ordinal).ToList();

    /// <summary>A component version (the latest when <paramref name="version"/> is null).</summary>
    /// <exception cref="ClayException"><c>component-not-found</c>, also for a deleted version.</exception>
    public ComponentRecord Get(string name, long? version = null)
    {
        if (!_records.TryGetValue(name, out var versions)) throw NotFound(name, null);
        lock (versions)
        {
            var record = version is null ? versions.LastOrDefault(r => r.DeletedAt is null)
                : version >= 0 && version < versions.Count ? versions[(int)version] : null;
            if (record is null) throw NotFound(name, version);
            if (record.DeletedAt is { } deleted)
            {
                throw new ClayException(ErrorCodes.ComponentNotFound,
                    $"version {record.Version} of component {name} was deleted at {deleted:u}; its workers cannot run (delete them, or deploy and update)");
            }
            return record;
        }
    }

    /// <inheritdoc/>
    public ValueTask<LoadedComponent> GetLatestAsync(string component, CancellationToken cancellationToken = default) =>
        _shared is null ? ValueTask.FromResult(Load(Latest(component))) : LoadSharedAsync(component, null, cancellationToken);

    /// <inheritdoc/>
    public ValueTask<LoadedComponent> GetAsync(string component, long version, CancellationToken cancellationToken = default) =>
        _shared is null ? ValueTask.FromResult(Load(Get(component, version))) : LoadSharedAsync(component, version, cancellationToken);

    /// <inheritdoc/>
    public void Dispose()
    {
        _db?.Dispose();
        _uploadSlots.Dispose();
        _registerGate.Dispose();
        foreach (var gate in _unpackGates.Values) gate.Dispose();
    }

    /// <summary>Told the name of a component when a new version of it is stored.</summary>
    public Action<string>? VersionAdded { get; set; }

    /// <summary>The latest version new workers may start on, without loading it.</summary>
    internal ComponentRecord LatestForNewWorkers(string name) => Latest(name);

    /// <summary>Where a version's files are unpacked.</summary>
    internal string DirectoryOf(ComponentRecord record) => VersionDirectory(record.Name, record.Version);

    /// <summary>The latest version new workers may start on: not deleted, not being deleted.</summary>
    private ComponentRecord Latest(string name)
    {
        if (!_records.TryGetValue(name, out var versions)) throw NotFound(name, null);
        lock (versions)
        {
            return versions.LastOrDefault(r => r.DeletedAt is null && !_retiring.ContainsKey((name, r.Version)))
                   ?? throw new ClayException(ErrorCodes.ComponentNotFound, $"component {name} has no version left: deploy it with 'clay app deploy'");
        }
    }

    private LoadedComponent Load(ComponentRecord record)
    {
        var key = (record.Name, record.Version);
        var loading = _loaded.GetOrAdd(key, _ => new Lazy<LoadedComponent>(() =>
            LoadModel(record.Name, record.Version, record.Size, VersionDirectory(record.Name, record.Version), record.EntryAssembly)));
        try
        {
            return loading.Value;
        }
        catch
        {
            // Not remembered: the next call tries again (in a cluster, after unpacking the version anew).
            _loaded.TryRemove(KeyValuePair.Create(key, loading));
            throw;
        }
    }

    private static LoadedComponent LoadModel(string name, long version, long size, string directory, string entryAssembly)
    {
        var path = Path.Combine(directory, entryAssembly);
        var context = new ComponentLoadContext(directory);
        var assembly = context.LoadFromAssemblyPath(path);
        return new LoadedComponent(name, version, size, ComponentModel.Load(assembly));
    }

    /// <summary>Where every version of component <paramref name="name"/> is unpacked, one directory each.</summary>
    /// <remarks>
    /// Created when asked for: a component host is given read access to it before its first version
    /// is unpacked on this node (in a cluster, on first use), and a sandbox rule needs a directory that exists.
    /// </remarks>
    internal string ComponentDirectory(string name) => Directory.CreateDirectory(ComponentPath(name)).FullName;

    /// <summary>Where component <paramref name="name"/>'s versions are unpacked, without creating it.</summary>
    private string ComponentPath(string name) => Path.GetFullPath(Path.Combine(_root, name.Replace(':', '_')));

    /// <summary>
    /// Where a version is unpacked. Only a path: asked for on every new worker, it makes no directory
    /// (the unpacking creates it, parents included).
    /// </summary>
    private string VersionDirectory(string name, long version) => Path.Combine(ComponentPath(name), version.ToString(System.Globalization.CultureInfo.InvariantCulture));

    private static string DescribeExports(ComponentModel model) =>
        JsonSerializer.Serialize(model.Functions.Select(f => new[] { f.Name, f.Signature }).ToArray());

    private static ClayException NotFound(string name, long? version) => new(ErrorCodes.ComponentNotFound,
        version is null ? $"component {name} not found; deploy it with 'clay app deploy'" : $"component {name} has no version {version}");
}
