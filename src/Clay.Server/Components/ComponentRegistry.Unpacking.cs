namespace Clay.Server.Components;

public sealed partial class ComponentRegistry
{
    /// <summary>
    /// The file written last into an unpacked version directory: the package's SHA-256. A directory
    /// without it, or with another package's hash, is not a usable copy and is unpacked again.
    /// </summary>
    public const string UnpackedMarkerName = ".clay-unpacked";

    private const string StagingInfix = ".unpacking-";
    private const string DiscardedInfix = ".discarded-";

    /// <summary>True when <paramref name="directory"/> holds a whole unpacked copy of the package whose hash is <paramref name="hash"/>.</summary>
    private static bool IsUnpacked(string directory, string hash)
    {
        try
        {
            return string.Equals(File.ReadAllText(Path.Combine(directory, UnpackedMarkerName)).Trim(), hash, StringComparison.Ordinal);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return false;
        }
    }

    /// <summary>
    /// Unpacks (and validates) a package into <paramref name="target"/> so that the directory is either
    /// absent, the old one, or the whole new copy — never part of one. The files go into a staging
    /// directory beside the target, are flushed, and the marker is written last; the rename of the
    /// staging directory onto the target is the commit. Whatever stood at the target (a copy torn by
    /// a crash, or another package's) is first renamed aside, then removed.
    /// </summary>
    /// <returns>The package's entry assembly file name.</returns>
    /// <remarks>Callers serialize unpacks of one version: two at once would each move the other's copy aside.</remarks>
    private string UnpackAtomically(byte[] bytes, string hash, string target, bool keepPackage)
    {
        var staging = target + StagingInfix + Guid.NewGuid().ToString("N");
        Directory.CreateDirectory(staging);
        try
        {
            var entryAssembly = Unpack(bytes, staging);
            if (keepPackage) File.WriteAllBytes(Path.Combine(staging, PackageFileName), bytes);
            foreach (var file in Directory.EnumerateFiles(staging, "*", SearchOption.AllDirectories)) FlushToDisk(file);
            WriteMarker(staging, hash);
            if (Directory.Exists(target))
            {
                var discarded = target + DiscardedInfix + Guid.NewGuid().ToString("N");
                Directory.Move(target, discarded);
                Directory.Move(staging, target);
                DeleteQuietly(discarded);
            }
            else
            {
                Directory.Move(staging, target);
            }
            return entryAssembly;
        }
        finally
        {
            DeleteQuietly(staging);
        }
    }

    /// <summary>Writes the marker that makes <paramref name="directory"/> a whole copy of the package <paramref name="hash"/>, flushed.</summary>
    private static void WriteMarker(string directory, string hash)
    {
        using var marker = new FileStream(Path.Combine(directory, UnpackedMarkerName), FileMode.CreateNew, FileAccess.Write);
        marker.Write(System.Text.Encoding.ASCII.GetBytes(hash));
        marker.Flush(flushToDisk: true);
    }

    /// <summary>
    /// Unpacks package bytes into the empty directory <paramref name="target"/> within the server's
    /// limits (through a file beside it, removed after); returns the entry assembly's file name.
    /// </summary>
    private string Unpack(byte[] bytes, string target)
    {
        var package = target + ".zip";
        File.WriteAllBytes(package, bytes);
        try
        {
            return PackageExtractor.Extract(package, target, _limits);
        }
        finally
        {
            File.Delete(package);
        }
    }

    /// <summary>Removes the staging and discarded directories (and staged package files) a crash left beside version directories.</summary>
    private static void RemoveLeftovers(string root)
    {
        foreach (var component in Directory.EnumerateDirectories(root))
        {
            foreach (var entry in Directory.EnumerateFileSystemEntries(component))
            {
                var name = Path.GetFileName(entry);
                if (!name.Contains(StagingInfix, StringComparison.Ordinal) && !name.Contains(DiscardedInfix, StringComparison.Ordinal)) continue;
                if (File.Exists(entry)) File.Delete(entry);
                else DeleteQuietly(entry);
            }
        }
    }

    private static void FlushToDisk(string file)
    {
        // A marker that survives a power cut must not stand beside files that did not.
        using var stream = new FileStream(file, FileMode.Open, FileAccess.ReadWrite);
        stream.Flush(flushToDisk: true);
    }

    private static void DeleteQuietly(string directory)
    {
        try
        {
            if (Directory.Exists(directory)) Directory.Delete(directory, recursive: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // A file still in use (an assembly loaded from it, on some systems): the next start removes it.
        }
    }
}
