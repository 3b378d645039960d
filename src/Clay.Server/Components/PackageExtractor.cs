using System.IO.Compression;
using System.Text.Json;
using Clay.Runtime.Errors;

namespace Clay.Server.Components;

/// <summary>
/// Unpacks a component package within its <see cref="PackageLimits"/>: the entries are counted
/// before the archive is opened, and every entry's bytes are counted as they inflate, so a zip bomb
/// stops at the limit however small its headers say it is. Reading failures are the package's
/// fault (<c>invalid-package</c>); writing failures are the server's (<c>storage-unavailable</c>).
/// </summary>
internal static class PackageExtractor
{
    private const int ChunkBytes = 81920;

    /// <summary>Unpacks <paramref name="packagePath"/> into the empty directory <paramref name="target"/>; returns the entry assembly's file name.</summary>
    public static string Extract(string packagePath, string target, PackageLimits limits)
    {
        using var file = new FileStream(packagePath, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
        var entries = ZipEntryCounter.Count(file, limits.MaxEntries) ?? throw NotAZip();
        if (entries > limits.MaxEntries)
        {
            throw new ClayException(ServerErrorCodes.PackageTooManyEntries,
                $"the package holds more than {limits.MaxEntries:N0} entries, the most the server accepts (--max-package-entries)");
        }
        file.Position = 0;
        ZipArchive archive;
        try
        {
            archive = new ZipArchive(file, ZipArchiveMode.Read, leaveOpen: true);
        }
        catch (InvalidDataException)
        {
            throw NotAZip();
        }
        using (archive)
        {
            var root = Path.GetFullPath(target) + Path.DirectorySeparatorChar;
            var buffer = new byte[ChunkBytes];
            long unpacked = 0;
            foreach (var entry in archive.Entries)
            {
                var destination = Path.GetFullPath(Path.Combine(target, entry.FullName));
                if (!destination.StartsWith(root, StringComparison.Ordinal))
                {
                    throw Invalid($"the package entry '{entry.FullName}' points outside the package");
                }
                if (entry.FullName.EndsWith('/')) continue;
                if (File.Exists(destination)) throw Invalid($"the package holds '{entry.FullName}' twice");
                unpacked += Inflate(entry, destination, buffer, limits, limits.MaxUnpackedBytes - unpacked);
            }
        }
        return ReadManifest(target);
    }

    /// <summary>Inflates one entry into <paramref name="destination"/>, counting what comes out; returns its size.</summary>
    private static long Inflate(ZipArchiveEntry entry, string destination, byte[] buffer, PackageLimits limits, long unpackedLeft)
    {
        var manifest = entry.FullName == ComponentRegistry.ManifestName;
        var entryLimit = manifest ? Math.Min(limits.MaxManifestBytes, limits.MaxEntryBytes) : limits.MaxEntryBytes;
        Stream source;
        try
        {
            source = entry.Open();
        }
        catch (InvalidDataException ex)
        {
            throw Invalid($"the package entry '{entry.FullName}' cannot be read: {ex.Message}");
        }
        using (source)
        {
            var output = Create(destination);
            using (output)
            {
                long written = 0;
                while (true)
                {
                    int read;
                    try
                    {
                        read = source.Read(buffer);
                    }
                    catch (Exception ex) when (ex is InvalidDataException or IOException)
                    {
                        throw Invalid($"the package entry '{entry.FullName}' is damaged: {ex.Message}");
                    }
                    if (read == 0) return written;
                    written += read;
                    if (written > entryLimit)
                    {
                        throw manifest && entryLimit == limits.MaxManifestBytes
                            ? new ClayException(ServerErrorCodes.ManifestTooLarge,
                                $"the package's {ComponentRegistry.ManifestName} is larger than {limits.MaxManifestBytes:N0} bytes (--max-manifest-size)")
                            : new ClayException(ServerErrorCodes.PackageUnpackedTooLarge,
                                $"the package entry '{entry.FullName}' unpacks to more than {limits.MaxEntryBytes:N0} bytes (--max-package-entry-size)");
                    }
                    if (written > unpackedLeft)
                    {
                        throw new ClayException(ServerErrorCodes.PackageUnpackedTooLarge,
                            $"the package unpacks to more than {limits.MaxUnpackedBytes:N0} bytes (--max-unpacked-size)");
                    }
                    Write(output, buffer.AsSpan(0, read));
                }
            }
        }
    }

    private static FileStream Create(string path)
    {
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            return new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1);
        }
        catch (IOException ex)
        {
            throw Storage(ex);
        }
    }

    private static void Write(FileStream output, ReadOnlySpan<byte> bytes)
    {
        try
        {
            output.Write(bytes);
        }
        catch (IOException ex)
        {
            throw Storage(ex);
        }
    }

    private static string ReadManifest(string target)
    {
        var manifestPath = Path.Combine(target, ComponentRegistry.ManifestName);
        if (!File.Exists(manifestPath))
        {
            throw Invalid($"the package has no {ComponentRegistry.ManifestName} manifest (build it with 'clay app build')");
        }
        string? entryAssembly;
        try
        {
            using var manifest = JsonDocument.Parse(File.ReadAllBytes(manifestPath));
            entryAssembly = manifest.RootElement.ValueKind == JsonValueKind.Object && manifest.RootElement.TryGetProperty("entryAssembly", out var e)
                            && e.ValueKind == JsonValueKind.String ? e.GetString() : null;
        }
        catch (JsonException ex)
        {
            throw Invalid($"the package's {ComponentRegistry.ManifestName} is not valid JSON: {ex.Message}");
        }
        if (string.IsNullOrEmpty(entryAssembly) || entryAssembly.Contains('/') || entryAssembly.Contains('\\'))
        {
            throw Invalid($"the package's {ComponentRegistry.ManifestName} does not name its entry assembly");
        }
        if (!File.Exists(Path.Combine(target, entryAssembly)))
        {
            throw Invalid($"the entry assembly {entryAssembly} is missing from the package");
        }
        return entryAssembly;
    }

    /// <summary>A failure to write what the server keeps: its disk is full or not writable.</summary>
    public static ClayException Storage(IOException ex) => new(ErrorCodes.StorageUnavailable,
        $"the server cannot store the package: {ex.Message} (is its disk full?); nothing of the upload was kept", ex);

    private static ClayException NotAZip() =>
        Invalid("the upload is not a component package: it is not a zip archive (build one with 'clay app build')");

    private static ClayException Invalid(string message) => new(ServerErrorCodes.InvalidPackage, message);
}
