using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace Clay.Storage.Sqlite;

/// <summary>The write-ahead log laid out at its working size when the store opens (see docs/storage.md).</summary>
public sealed partial class SqliteOplogStore
{
    /// <summary>Frames (pages) the WAL holds before SQLite checkpoints it into the database.</summary>
    private const int WalAutocheckpointFrames = 8192;

    /// <summary>The WAL's working size in frames: the checkpoint threshold and the commits that overrun it.</summary>
    private const long WalWorkingFrames = WalAutocheckpointFrames + 256;

    /// <summary>
    /// Checkpoints the WAL into the database and truncates it, then writes zeros over its working size
    /// and syncs them. Runs while nothing else has the database open (the lock file keeps other
    /// processes out; the store's readers open later). A failure — a full disk, say — only costs speed.
    /// </summary>
    private static void PreallocateWal(SqliteConnection connection, string path, ILogger? logger)
    {
        using (var checkpoint = connection.CreateCommand())
        {
            checkpoint.CommandText = "PRAGMA wal_checkpoint(TRUNCATE)";
            using var result = checkpoint.ExecuteReader();
            // (busy, frames in the log, frames checkpointed): busy means the log could not be reset.
            if (!result.Read() || result.GetInt64(0) != 0) return;
        }
        var frameBytes = WalFile.FrameHeaderBytes + PageSize(connection);
        var walPath = path + "-wal";
        try
        {
            using var wal = File.OpenHandle(walPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.ReadWrite);
            if (RandomAccess.GetLength(wal) != 0) return;
            var size = WalFile.HeaderBytes + WalWorkingFrames * frameBytes;
            var zeros = new byte[1 << 20];
            for (long offset = 0; offset < size; offset += zeros.Length)
            {
                RandomAccess.Write(wal, zeros.AsSpan(0, (int)Math.Min(zeros.Length, size - offset)), offset);
            }
            RandomAccess.FlushToDisk(wal);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            logger?.LogWarning(ex, "Could not lay out the write-ahead log {Path} at its working size; commits grow it instead", walPath);
            try
            {
                using var wal = File.OpenHandle(walPath, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite);
                RandomAccess.SetLength(wal, 0);
            }
            catch (Exception cleanup) when (cleanup is IOException or UnauthorizedAccessException)
            {
                // Zeros are read as an empty log whatever their length.
            }
        }
    }

    private static long PageSize(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA page_size";
        return (long)command.ExecuteScalar()!;
    }
}
