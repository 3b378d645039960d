using System.Globalization;
using System.IO.Compression;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Text.Json;
using Clay.Runtime.Errors;

namespace Clay.Server.Components;

public sealed partial class ComponentRegistry
{
    /// <summary>
    /// Unpacks the package into <paramref name="target"/> and returns its entry assembly's file name.
    /// Rejects anything that is not a zip with a manifest naming a .NET assembly, and entries that
    /// would land outside the target.
    /// </summary>
    private static string Unpack(byte[] bytes, string target)
    {
        ZipArchive archive;
        try
        {
            archive = new ZipArchive(new MemoryStream(bytes), ZipArchiveMode.Read);
        }
        catch (InvalidDataException)
        {
            throw new ClayException(ServerErrorCodes.InvalidPackage, "the upload is not a component package: it is not a zip archive (build one with 'clay app build')");
        }
        using (archive)
        {
            var root = Path.GetFullPath(target) + Path.DirectorySeparatorChar;
            foreach (var entry in archive.Entries)
            {
                var destination = Path.GetFullPath(Path.Combine(target, entry.FullName));
                if (!destination.StartsWith(root, StringComparison.Ordinal))
                {
                    throw new ClayException(ServerErrorCodes.InvalidPackage, $"the package entry '{entry.FullName}' points outside the package");
                }
                if (entry.FullName.EndsWith('/')) continue;
                Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
                entry.ExtractToFile(destination, overwrite: true);
            }
        }

        var manifestPath = Path.Combine(target, ManifestName);
        if (!File.Exists(manifestPath))
        {
            throw new ClayException(ServerErrorCodes.InvalidPackage, $"the package has no {ManifestName} manifest (build it with 'clay app build')");
        }
        string? entryAssembly;
        try
        {
            using var manifest = JsonDocument.Parse(File.ReadAllBytes(manifestPath));
            entryAssembly = manifest.RootElement.TryGetProperty("entryAssembly", out var e) ? e.GetString() : null;
        }
        catch (JsonException ex)
        {
            throw new ClayException(ServerErrorCodes.InvalidPackage, $"the package's {ManifestName} is not valid JSON: {ex.Message}");
        }
        if (string.IsNullOrEmpty(entryAssembly) || entryAssembly.Contains('/') || entryAssembly.Contains('\\'))
        {
            throw new ClayException(ServerErrorCodes.InvalidPackage, $"the package's {ManifestName} does not name its entry assembly");
        }
        var assemblyPath = Path.Combine(target, entryAssembly);
        if (!File.Exists(assemblyPath))
        {
            throw new ClayException(ServerErrorCodes.InvalidPackage, $"the entry assembly {entryAssembly} is missing from the package");
        }
        if (!IsDotNetAssembly(assemblyPath))
        {
            throw new ClayException(ErrorCodes.InvalidComponent, $"{entryAssembly} is not a .NET assembly");
        }
        return entryAssembly;
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

    private void LoadRecords()
    {
        using var command = _db!.CreateCommand();
        command.CommandText = "SELECT name, version, id, size, hash, created_at, entry_assembly, wit, interface FROM components ORDER BY name, version";
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            var record = new ComponentRecord(reader.GetString(0), reader.GetInt64(1), Guid.Parse(reader.GetString(2)), reader.GetInt64(3),
                reader.GetString(4), DateTimeOffset.Parse(reader.GetString(5), CultureInfo.InvariantCulture), reader.GetString(6),
                reader.GetString(7), reader.GetString(8));
            _records.GetOrAdd(record.Name, _ => []).Add(record);
        }
    }

    private void Insert(ComponentRecord record)
    {
        lock (_writeGate)
        {
            using var command = _db!.CreateCommand();
            command.CommandText = """
                INSERT INTO components (name, version, id, size, hash, created_at, entry_assembly, wit, interface)
                VALUES ($name, $version, $id, $size, $hash, $created, $entry, $wit, $interface)
                """;
            command.Parameters.AddWithValue("$name", record.Name);
            command.Parameters.AddWithValue("$version", record.Version);
            command.Parameters.AddWithValue("$id", record.Id.ToString());
            command.Parameters.AddWithValue("$size", record.Size);
            command.Parameters.AddWithValue("$hash", record.Hash);
            command.Parameters.AddWithValue("$created", record.CreatedAt.ToString("O", CultureInfo.InvariantCulture));
            command.Parameters.AddWithValue("$entry", record.EntryAssembly);
            command.Parameters.AddWithValue("$wit", record.Wit);
            command.Parameters.AddWithValue("$interface", record.InterfaceJson);
            command.ExecuteNonQuery();
        }
        var versions = _records.GetOrAdd(record.Name, _ => []);
        lock (versions) versions.Add(record);
    }

    private void Execute(string sql)
    {
        using var command = _db!.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
