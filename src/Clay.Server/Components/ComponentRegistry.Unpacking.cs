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
    private static string UnpackAtomically(byte[] bytes, string hash, string target, bool keepPackage)
    {
        var staging = target + StagingInfix + Guid.NewGuid().ToString("N");
        Directory.CreateDirectory(staging);
        try
        {
            var entryAssembly = Unpack(bytes, staging);
            if (keepPackage) File.WriteAllBytes(Path.Combine(staging, PackageFileName), bytes);
            foreach (var file in Directory.EnumerateFiles(staging, "*", SearchOption.AllDirectories)) FlushToDisk(file);
            using (var marker = new FileStream(Path.Combine(staging, UnpackedMarkerName), FileMode.CreateNew, FileAccess.Write))
            {
                marker.Write(System.Text.Encoding.ASCII.GetBytes(hash));
                marker.Flush(flushToDisk: true);
            }
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

    /// <summary>Removes the staging and discarded directories a crash left beside version directories.</summary>
    private static void RemoveLeftovers(string root)
    {
        foreach (var component in Directory.EnumerateDirectories(root))
        {
            foreach (var directory in Directory.EnumerateDirectories(component))
            {
                var name = Path.GetFileName(directory);
                if (name.Contains(StagingInfix, StringComparison.Ordinal) || name.Contains(DiscardedInfix, StringComparison.Ordinal))
                {
                    DeleteQuietly(directory);
                }
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
