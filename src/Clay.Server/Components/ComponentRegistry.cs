using System.Collections.Concurrent;
using System.IO.Compression;
using System.Reflection.PortableExecutable;
using System.Security.Cryptography;
using System.Text.Json;
using Clay.Runtime;
using Clay.Runtime.Components;
using Clay.Runtime.Errors;
using Clay.Runtime.Execution;
using Clay.Runtime.Types;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace Clay.Server.Components;

/// <summary>
/// The component registry: uploaded packages are validated, unpacked under
/// <c>DATA/components/NAME/VERSION/</c> and recorded in <c>DATA/registry.db</c> — or, in a cluster, in
/// the shared <see cref="IComponentStore"/>, from which every node unpacks a version on first use.
/// Also the executor's <see cref="IComponentCatalog"/>: each version is loaded once per node, in its
/// own load context.
/// </summary>
public sealed partial class ComponentRegistry : IComponentCatalog, IDisposable
{
    /// <summary>The manifest file every package carries.</summary>
    public const string ManifestName = "clay-component.json";

    /// <summary>The package itself, kept in a single server's version directory.</summary>
    private const string PackageFileName = "package.zip";

    private readonly string _root;
    private readonly long _maxPackageBytes;
    private readonly ILogger _logger;
    private readonly SqliteConnection? _db;
    private readonly IComponentStore? _shared;
    private readonly Lock _writeGate = new();
    private readonly SemaphoreSlim _uploadGate = new(1, 1);
    private readonly ConcurrentDictionary<string, List<ComponentRecord>> _records = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string, long), Lazy<LoadedComponent>> _loaded = new();
    private readonly ConcurrentDictionary<(string, long), SemaphoreSlim> _unpackGates = new();

    /// <summary>
    /// Opens (or creates) the registry in <paramref name="dataDirectory"/>, or over <paramref name="shared"/>
    /// when given (the data directory then only caches unpacked packages).
    /// </summary>
    public ComponentRegistry(string dataDirectory, long maxPackageBytes, ILogger<ComponentRegistry> logger, IComponentStore? shared = null)
    {
        _root = Path.Combine(dataDirectory, "components");
        _maxPackageBytes = maxPackageBytes;
        _logger = logger;
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
        LoadRecords();
    }

    /// <summary>The latest version of every component, by name.</summary>
    public IReadOnlyList<ComponentRecord> List() =>
        _records.Values.Select(v => { lock (v) return v[^1]; }).OrderBy(r => r.Name, StringComparer.Ordinal).ToList();

    /// <summary>A component version (the latest when <paramref name="version"/> is null).</summary>
    /// <exception cref="ClayException"><c>component-not-found</c>.</exception>
    public ComponentRecord Get(string name, long? version = null)
    {
        if (!_records.TryGetValue(name, out var versions)) throw NotFound(name, null);
        lock (versions)
        {
            if (version is null) return versions[^1];
            return version >= 0 && version < versions.Count ? versions[(int)version] : throw NotFound(name, version);
        }
    }

    /// <inheritdoc/>
    public ValueTask<LoadedComponent> GetLatestAsync(string component, CancellationToken cancellationToken = default) =>
        _shared is null ? ValueTask.FromResult(Load(Get(component))) : LoadSharedAsync(component, null, cancellationToken);

    /// <inheritdoc/>
    public ValueTask<LoadedComponent> GetAsync(string component, long version, CancellationToken cancellationToken = default) =>
        _shared is null ? ValueTask.FromResult(Load(Get(component, version))) : LoadSharedAsync(component, version, cancellationToken);

    /// <summary>
    /// Validates and stores a package as the next version of <paramref name="name"/>. A package whose
    /// hash equals the latest version's is not stored again: that version is returned, unchanged.
    /// </summary>
    public async Task<(ComponentRecord Record, bool Unchanged)> UploadAsync(string name, Stream package, CancellationToken cancellationToken)
    {
        Names.ValidateComponent(name);
        var bytes = await ReadLimitedAsync(package, cancellationToken);
        await _uploadGate.WaitAsync(cancellationToken);
        try
        {
            var hash = Convert.ToHexStringLower(SHA256.HashData(bytes));
            if (_shared is not null) return await UploadSharedAsync(name, bytes, hash, cancellationToken);
            if (_records.TryGetValue(name, out var existing))
            {
                lock (existing)
                {
                    if (existing[^1].Hash == hash) return (existing[^1], true);
                }
            }
            var version = existing is null ? 0 : existing.Count;
            var target = VersionDirectory(name, version);
            // A directory left there by a crash before its record was written is replaced whole.
            var entryAssembly = UnpackAtomically(bytes, hash, target, keepPackage: true);
            try
            {
                var loaded = LoadModel(name, version, bytes.LongLength, target, entryAssembly);
                var record = new ComponentRecord(name, version, existing is null ? Guid.NewGuid() : Get(name).Id, bytes.LongLength, hash,
                    DateTimeOffset.UtcNow, entryAssembly, WitPrinter.Print(loaded.Model), DescribeExports(loaded.Model));
                Insert(record);
                _loaded[(name, version)] = new Lazy<LoadedComponent>(loaded);
                _logger.LogInformation("Component {Name} version {Version} stored ({Size} bytes)", name, version, bytes.LongLength);
                return (record, false);
            }
            catch
            {
                Directory.Delete(target, recursive: true);
                throw;
            }
        }
        finally
        {
            _uploadGate.Release();
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _db?.Dispose();
        _uploadGate.Dispose();
        foreach (var gate in _unpackGates.Values) gate.Dispose();
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

    private string VersionDirectory(string name, long version) => Path.Combine(_root, name.Replace(':', '_'), version.ToString());

    private static string DescribeExports(ComponentModel model) =>
        JsonSerializer.Serialize(model.Functions.Select(f => new[] { f.Name, f.Signature }).ToArray());

    private static ClayException NotFound(string name, long? version) => new(ErrorCodes.ComponentNotFound,
        version is null ? $"component {name} not found; deploy it with 'clay app deploy'" : $"component {name} has no version {version}");

    private async Task<byte[]> ReadLimitedAsync(Stream package, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await package.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > _maxPackageBytes)
            {
                throw new ClayException(ServerErrorCodes.PackageTooLarge,
                    $"the component package is larger than the limit of {_maxPackageBytes} bytes (server option --max-package-size)");
            }
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }
}
