using Clay.Runtime;
using Clay.Runtime.Errors;
using Clay.Runtime.Storage;
using Clay.Runtime.Oplog;
using Clay.Runtime.Oplog.Codec;
using Microsoft.Data.Sqlite;

namespace Clay.Storage.Sqlite;

/// <summary>One problem found in a worker's oplog.</summary>
/// <param name="Worker">The affected worker.</param>
/// <param name="Index">The index of the first bad or missing entry.</param>
/// <param name="Problem">What is wrong.</param>
public sealed record OplogDamage(WorkerId Worker, long Index, string Problem)
{
    /// <inheritdoc/>
    public override string ToString() => $"{Worker}: entry {Index}: {Problem}";
}

/// <summary>What a full verification found.</summary>
/// <param name="Workers">Workers checked.</param>
/// <param name="Entries">Entries checked.</param>
/// <param name="Damage">The first problem of each affected worker.</param>
public sealed record VerificationReport(long Workers, long Entries, IReadOnlyList<OplogDamage> Damage);

/// <summary>
/// Checks every entry of every oplog without changing anything: indexes run from 1 without gaps,
/// each checksum matches, each entry decodes, and the first is a <c>create</c> entry. Used by
/// <c>clay-server verify</c>; the server itself checks tails at start-up and everything it reads.
/// </summary>
public static class OplogVerifier
{
    /// <summary>Verifies the database at <paramref name="databasePath"/>, opened read-only.</summary>
    /// <exception cref="ClayException"><c>storage-unavailable</c> when the database cannot be opened or read at all.</exception>
    public static VerificationReport Verify(string databasePath)
    {
        if (!File.Exists(databasePath)) throw new ClayException(ErrorCodes.StorageUnavailable, $"there is no oplog database at {databasePath}");
        try
        {
            using var connection = new SqliteConnection(new SqliteConnectionStringBuilder
            {
                DataSource = databasePath,
                Mode = SqliteOpenMode.ReadOnly,
                Pooling = false,
            }.ToString());
            connection.Open();
            var workers = new Dictionary<long, WorkerId>();
            using (var list = connection.CreateCommand())
            {
                list.CommandText = "SELECT id, component, name FROM workers";
                using var reader = list.ExecuteReader();
                while (reader.Read()) workers[reader.GetInt64(0)] = new WorkerId(reader.GetString(1), reader.GetString(2));
            }

            var damage = new List<OplogDamage>();
            long entries = 0;
            using var scan = connection.CreateCommand();
            scan.CommandText = "SELECT worker, idx, crc, payload FROM entries ORDER BY worker, idx";
            using var rows = scan.ExecuteReader();
            long current = -1, expected = 0;
            var damaged = false;
            while (rows.Read())
            {
                entries++;
                var key = rows.GetInt64(0);
                if (key != current)
                {
                    current = key;
                    expected = 1;
                    damaged = false;
                }
                var index = rows.GetInt64(1);
                if (damaged) continue;
                if (!workers.TryGetValue(key, out var worker))
                {
                    damage.Add(new OplogDamage(new WorkerId("unknown:worker", key.ToString(System.Globalization.CultureInfo.InvariantCulture)), index,
                        "entries of a worker that is not registered"));
                    damaged = true;
                    continue;
                }
                var problem = rows.GetValue(2) is long crc && rows.GetValue(3) is byte[] payload
                    ? Check(index, expected, (uint)crc, payload)
                    : (index, "the row does not hold a checksum and binary data");
                if (problem is not null)
                {
                    damage.Add(new OplogDamage(worker, problem.Value.Index, problem.Value.Problem));
                    damaged = true;
                }
                expected = index + 1;
            }
            return new VerificationReport(workers.Count, entries, damage);
        }
        catch (SqliteException ex)
        {
            throw new ClayException(ErrorCodes.StorageUnavailable, $"the oplog database {databasePath} cannot be read: {ex.Message}", ex);
        }
    }

    private static (long Index, string Problem)? Check(long index, long expected, uint crc, byte[] payload)
    {
        if (index != expected) return (expected, expected + 1 == index ? "the entry is missing" : $"entries {expected} to {index - 1} are missing");
        if (OplogChecksum.OfEntry(index, payload) != crc) return (index, "checksum mismatch");
        OplogEntry entry;
        try
        {
            entry = OplogCodec.Decode(payload);
        }
        catch (OplogDecodeException ex)
        {
            return (index, ex.Message);
        }
        if (index == 1 && entry is not OplogEntry.Create) return (index, "the first entry is not a create entry");
        return null;
    }
}
