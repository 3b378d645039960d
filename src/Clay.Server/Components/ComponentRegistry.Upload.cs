using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using Clay.Runtime;
using Clay.Runtime.Errors;
using Clay.Runtime.Execution;
using Clay.Runtime.Types;
using Clay.Server.Components.Inspection;
using Microsoft.Extensions.Logging;

namespace Clay.Server.Components;

public sealed partial class ComponentRegistry
{
    /// <summary>The limits uploads are held to.</summary>
    public PackageLimits Limits => _limits;

    /// <summary>
    /// Waits for one of the <see cref="PackageLimits.MaxConcurrentUploads"/> upload slots; dispose the
    /// result to give it back. Uploads beyond the cap wait here before their body is read.
    /// </summary>
    public async Task<IDisposable> AcquireUploadSlotAsync(CancellationToken cancellationToken)
    {
        await _uploadSlots.WaitAsync(cancellationToken);
        return new Slot(_uploadSlots);
    }

    /// <summary>A new staging file for an upload, in the data directory (so the finished package moves into place without a copy).</summary>
    public StagedPackage Stage()
    {
        try
        {
            Directory.CreateDirectory(_staging);
        }
        catch (IOException ex)
        {
            throw PackageExtractor.Storage(ex);
        }
        return new StagedPackage(Path.Combine(_staging, Guid.NewGuid().ToString("N") + ".zip"), _limits.MaxPackageBytes);
    }

    /// <summary>
    /// Validates a complete staged package and stores it as the next version of <paramref name="name"/>:
    /// unpacked within the limits, its IL checked, its worker class loaded. A package whose hash equals
    /// the latest version's is not stored again: that version is returned, unchanged. A failure leaves
    /// nothing behind — no directory, no row; the caller disposes the staged file.
    /// </summary>
    public async Task<(ComponentRecord Record, bool Unchanged)> UploadAsync(string name, StagedPackage package, CancellationToken cancellationToken)
    {
        Names.ValidateComponent(name);
        var hash = package.Hash ?? throw new InvalidOperationException("the staged package is not complete");
        if (LatestHash(name) == hash) return (Get(name), true);
        var unpacked = Path.Combine(_staging, Path.GetFileNameWithoutExtension(package.FilePath) + ".d");
        string? target = null;
        try
        {
            Storing(() => Directory.CreateDirectory(unpacked));
            var entryAssembly = PackageExtractor.Extract(package.FilePath, unpacked, _limits);
            if (!IsDotNetAssembly(Path.Combine(unpacked, entryAssembly)))
            {
                throw new ClayException(ErrorCodes.InvalidComponent, $"{entryAssembly} is not a .NET assembly");
            }
            ForbiddenApiScanner.Check(unpacked);

            await _registerGate.WaitAsync(cancellationToken);
            try
            {
                if (_shared is not null)
                {
                    return await UploadSharedAsync(name, await File.ReadAllBytesAsync(package.FilePath, cancellationToken), hash, unpacked, entryAssembly,
                        cancellationToken);
                }
                if (LatestHash(name) == hash) return (Get(name), true);
                // Flushed before the row that names them is written: a power cut must not leave a version recorded over lost files.
                foreach (var file in Directory.EnumerateFiles(unpacked, "*", SearchOption.AllDirectories)) FlushToDisk(file);
                FlushToDisk(package.FilePath);
                Storing(() => WriteMarker(unpacked, hash));
                var (version, id) = NextVersion(name);
                target = VersionDirectory(name, version);
                Storing(() =>
                {
                    if (Directory.Exists(target)) Directory.Delete(target, recursive: true);
                    Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                    Directory.Move(unpacked, target);
                    File.Move(package.FilePath, Path.Combine(target, PackageFileName));
                });
                package.Taken();
                // Loaded from where it stays: the load context resolves the component's other assemblies lazily, by directory.
                var loaded = LoadChecked(name, version, package.Size, target, entryAssembly);
                var record = new ComponentRecord(name, version, id, package.Size, hash, DateTimeOffset.UtcNow, entryAssembly,
                    WitPrinter.Print(loaded.Model), DescribeExports(loaded.Model));
                Insert(record);
                _loaded[(name, version)] = new Lazy<LoadedComponent>(loaded);
                _logger.LogInformation("Component {Name} version {Version} stored ({Size} bytes)", name, version, package.Size);
                VersionAdded?.Invoke(name);
                target = null;
                return (record, false);
            }
            finally
            {
                _registerGate.Release();
            }
        }
        finally
        {
            TryDelete(unpacked);
            if (target is not null) TryDelete(target);
        }
    }

    /// <summary>The next version number of <paramref name="name"/> (deleted versions count: numbers are never reused) and its id.</summary>
    private (long Version, Guid Id) NextVersion(string name)
    {
        if (!_records.TryGetValue(name, out var versions)) return (0, Guid.NewGuid());
        lock (versions) return (versions.Count, versions[0].Id);
    }

    private static LoadedComponent LoadChecked(string name, long version, long size, string directory, string entryAssembly)
    {
        try
        {
            return LoadModel(name, version, size, directory, entryAssembly);
        }
        catch (Exception ex) when (ex is FileNotFoundException or FileLoadException or BadImageFormatException or TypeLoadException
                                       or System.Reflection.ReflectionTypeLoadException)
        {
            throw new ClayException(ErrorCodes.InvalidComponent, $"{entryAssembly} cannot be loaded: {ex.Message}");
        }
    }

    private static void Storing(Action write)
    {
        try
        {
            write();
        }
        catch (IOException ex)
        {
            throw PackageExtractor.Storage(ex);
        }
    }

    private string? LatestHash(string name)
    {
        if (!_records.TryGetValue(name, out var versions)) return null;
        lock (versions) return versions.LastOrDefault(r => r.DeletedAt is null)?.Hash;
    }

    private static bool IsDotNetAssembly(string path)
    {
        try
        {
            using var stream = File.OpenRead(path);
            using var reader = new PEReader(stream);
            return reader.HasMetadata && reader.GetMetadataReader().IsAssembly;
        }
        catch (BadImageFormatException)
        {
            return false;
        }
    }

    private void TryDelete(string directory)
    {
        try
        {
            if (Directory.Exists(directory)) Directory.Delete(directory, recursive: true);
        }
        catch (IOException ex)
        {
            _logger.LogWarning("Could not remove {Directory}: {Message}; it is removed at the next start", directory, ex.Message);
        }
        catch (UnauthorizedAccessException ex)
        {
            _logger.LogWarning("Could not remove {Directory}: {Message}; it is removed at the next start", directory, ex.Message);
        }
    }

    private sealed class Slot(SemaphoreSlim slots) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0) slots.Release();
        }
    }
}
