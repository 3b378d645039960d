namespace Clay.Reliability.PowerCut;

/// <summary>
/// Loses every write not yet synced, as a power cut would, for a process that ran with the
/// power-cut layer preloaded (tools/Clay.Reliability/PowerCut/clay-powercut.c). Give the process
/// <see cref="Environment"/>, kill it with SIGKILL, then call <see cref="Cut"/>: every file under
/// <see cref="Directory"/> goes back to what its last fsync made durable, and every directory entry
/// to what the last fsync of its directory made durable.
/// </summary>
public sealed class PowerCutLayer
{
    /// <summary>A layer over <paramref name="directory"/> (created if missing), with its journal in <paramref name="workDirectory"/>.</summary>
    public PowerCutLayer(string library, string directory, string workDirectory)
    {
        if (!File.Exists(library)) throw new FileNotFoundException($"the power-cut layer is not built: run scripts/build-powercut.sh (or scripts/publish.sh)", library);
        Library = library;
        Directory = Path.GetFullPath(directory);
        System.IO.Directory.CreateDirectory(Directory);
        Journal = Path.Combine(Path.GetFullPath(workDirectory), "powercut.journal");
        System.IO.Directory.CreateDirectory(Stash);
    }

    /// <summary>The preloaded library.</summary>
    public string Library { get; }

    /// <summary>The directory whose files lose unsynced writes.</summary>
    public string Directory { get; }

    /// <summary>The undo journal.</summary>
    public string Journal { get; }

    private string Stash => Journal + ".stash";

    /// <summary>The environment a process needs to run under the layer.</summary>
    public IReadOnlyDictionary<string, string> Environment => new Dictionary<string, string>
    {
        ["LD_PRELOAD"] = Library,
        ["CLAY_POWERCUT_DIR"] = Directory,
        ["CLAY_POWERCUT_JOURNAL"] = Journal,
    };

    /// <summary>Where scripts/build-powercut.sh puts the library, under the repository above <paramref name="binDirectory"/>.</summary>
    public static string DefaultLibrary(string binDirectory) =>
        Path.Combine(Path.GetDirectoryName(Path.GetFullPath(binDirectory).TrimEnd('/'))!, "powercut", "libclay-powercut.so");

    /// <summary>
    /// Counts everything written so far as durable, as if the operating system had written its cache
    /// back (which it does within about 30 s): for setting up what a test does not examine.
    /// </summary>
    public void Settle() => PowerCutJournal.AppendSyncAll(Journal);

    /// <summary>
    /// Undoes every change not covered by a sync, newest first, then starts a new journal. Call it only
    /// while no process runs under the layer (after SIGKILL).
    /// </summary>
    public PowerCutReport Cut()
    {
        var records = PowerCutJournal.Read(Journal);
        var synced = new Dictionary<(ulong, ulong), long>();
        var directorySynced = new Dictionary<string, long>(StringComparer.Ordinal);
        long everything = -1;
        var warnings = new List<string>();
        foreach (var record in records)
        {
            switch (record.Type)
            {
                case RecordType.Sync:
                    synced[record.File] = Math.Max(synced.GetValueOrDefault(record.File, -1), record.Covers);
                    break;
                case RecordType.DirSync:
                    directorySynced[record.Path] = Math.Max(directorySynced.GetValueOrDefault(record.Path, -1), record.Covers);
                    break;
                case RecordType.SyncAll:
                    everything = Math.Max(everything, record.Covers);
                    break;
                case RecordType.Warn:
                    warnings.Add($"{record.Path}: {record.DataText}");
                    break;
            }
        }

        bool DataDurable(JournalRecord r) => r.Position < Math.Max(everything, synced.GetValueOrDefault(r.File, -1));
        bool EntryDurable(JournalRecord r, string path) =>
            r.Position < Math.Max(everything, directorySynced.GetValueOrDefault(Path.GetDirectoryName(path)!, -1));

        int writes = 0, entries = 0;
        long bytes = 0;
        var files = new FileLocator(Directory, Stash);
        for (var i = records.Count - 1; i >= 0; i--)
        {
            var record = records[i];
            switch (record.Type)
            {
                case RecordType.Write or RecordType.Resize when !DataDurable(record):
                    if (files.Find(record) is not { } path) break; // the file itself is gone, durably
                    using (var file = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite))
                    {
                        file.SetLength(record.OldSize);
                        file.Position = record.Offset;
                        file.Write(record.Data);
                    }
                    writes++;
                    bytes += record.Data.Length;
                    break;
                case RecordType.Create or RecordType.MakeDirectory when !EntryDurable(record, record.Path):
                    if (!Posix.IsInode(record.Path, record.File)) break;
                    if (record.Type == RecordType.MakeDirectory) System.IO.Directory.Delete(record.Path, recursive: true);
                    else File.Delete(record.Path);
                    entries++;
                    break;
                case RecordType.Unlink when !EntryDurable(record, record.Path):
                    if (Posix.Exists(record.Path) || record.Data.Length == 0) break;
                    Posix.Link(record.DataText, record.Path);
                    entries++;
                    break;
                case RecordType.RemoveDirectory when !EntryDurable(record, record.Path):
                    System.IO.Directory.CreateDirectory(record.Path);
                    entries++;
                    break;
                case RecordType.Rename:
                    var parts = record.DataText.Split('\0');
                    var (to, replaced) = (parts[0], parts.Length > 1 ? parts[1] : "");
                    if (EntryDurable(record, to) && EntryDurable(record, record.Path)) break;
                    if (!Posix.IsInode(to, record.File)) break;
                    File.Move(to, record.Path);
                    if (replaced.Length > 0) Posix.Link(replaced, to);
                    entries++;
                    break;
            }
        }

        File.Delete(Journal);
        System.IO.Directory.Delete(Stash, recursive: true);
        System.IO.Directory.CreateDirectory(Stash);
        return new PowerCutReport(writes, bytes, entries, warnings);
    }

    /// <summary>Finds a file by its inode: where the record saw it, or anywhere under the directory or the stash.</summary>
    private sealed class FileLocator(string directory, string stash)
    {
        public string? Find(JournalRecord record)
        {
            var path = record.Path.EndsWith(" (deleted)", StringComparison.Ordinal) ? record.Path[..^10] : record.Path;
            if (Posix.IsInode(path, record.File)) return path;
            return System.IO.Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories)
                .Concat(System.IO.Directory.EnumerateFiles(stash))
                .FirstOrDefault(p => Posix.IsInode(p, record.File));
        }
    }
}
