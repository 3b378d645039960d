using Clay.Runtime.Oplog;
using Clay.Runtime.Oplog.Codec;
using Clay.Runtime.Oplog.Display;

namespace Clay.Runtime.Tests.Oplog;

/// <summary>
/// Pins the binary encoding: every entry kind (and every value tag) has a golden file in
/// Oplog/Golden. A change to the encoding fails here; a deliberate one needs a new format version
/// and regenerated files (run with CLAY_UPDATE_GOLDEN=1: every test whose file it rewrites still
/// fails, naming the file, so that a format change is never approved without a look at the diff).
/// </summary>
public sealed class CodecGoldenTests
{
    private static readonly string GoldenDirectory = Path.Combine(ClayRepository.Root, "tests", "Clay.Runtime.Tests", "Oplog", "Golden");
    private static readonly bool Update = Environment.GetEnvironmentVariable("CLAY_UPDATE_GOLDEN") == "1";

    public static TheoryData<string> Kinds => new(OplogSamples.All.Select(e => OplogEntryFormatter.KindName(e.Kind)));

    [Fact]
    public void Every_entry_kind_has_a_sample()
    {
        var sampled = OplogSamples.All.Select(e => e.Kind).ToHashSet();
        Assert.Equal(Enum.GetValues<OplogEntryKind>().ToHashSet(), sampled);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void The_encoding_of_each_entry_kind_matches_its_golden_file(string kind)
    {
        var entry = OplogSamples.All.Single(e => OplogEntryFormatter.KindName(e.Kind) == kind);
        var encoded = OplogCodec.Encode(entry);
        var golden = Golden($"{kind}.hex", encoded);

        Assert.Equal(golden, Convert.ToHexString(encoded));
        Assert.Equal(entry, OplogCodec.Decode(Convert.FromHexString(golden)));
    }

    [Fact]
    public void A_version_1_snapshot_still_decodes_with_the_later_fields_empty()
    {
        var golden = File.ReadAllText(Path.Combine(GoldenDirectory, "snapshot-v1.hex")).Trim();

        var decoded = OplogCodec.Decode(Convert.FromHexString(golden));

        var sample = OplogSamples.All.OfType<OplogEntry.Snapshot>().Single();
        Assert.Equal(sample with { FirstPending = 0, RecordedMemory = 0, LastError = null }, decoded);
    }

    [Fact]
    public void Entries_are_written_in_the_oldest_version_that_has_their_layout()
    {
        foreach (var entry in OplogSamples.All)
        {
            Assert.Equal(entry is OplogEntry.Snapshot ? 2 : 1, OplogCodec.Encode(entry)[0]);
        }
    }

    [Fact]
    public void A_snapshot_that_names_its_component_version_is_written_in_version_3_and_read_back()
    {
        var snapshot = new OplogEntry.Snapshot(DateTimeOffset.UnixEpoch.AddDays(1), "custom", new Bytes([1, 2, 3]), 7, 100, "boom", 4);
        var encoded = OplogCodec.Encode(snapshot);

        Assert.Equal(3, encoded[0]);
        var decoded = Assert.IsType<OplogEntry.Snapshot>(OplogCodec.Decode(encoded));
        Assert.Equal((4L, 7L, "boom"), (decoded.ComponentVersion, decoded.FirstPending, decoded.LastError));
        Assert.Equal(-1, Assert.IsType<OplogEntry.Snapshot>(OplogCodec.Decode(OplogCodec.Encode(snapshot with { ComponentVersion = -1 }))).ComponentVersion);
    }

    [Fact]
    public void A_snapshot_that_says_where_its_update_history_begins_is_written_in_version_4_and_older_ones_read_as_not_known()
    {
        var snapshot = new OplogEntry.Snapshot(DateTimeOffset.UnixEpoch.AddDays(1), "custom", new Bytes([1, 2, 3]), 7, 100, "boom", 4, UpdatesFrom: 12);
        var encoded = OplogCodec.Encode(snapshot);

        Assert.Equal(4, encoded[0]);
        Assert.Equal(snapshot, OplogCodec.Decode(encoded));
        // None before it (0) is known too; with no component version named, -1 is written before it.
        Assert.Equal(snapshot with { ComponentVersion = -1, UpdatesFrom = 0 },
            OplogCodec.Decode(OplogCodec.Encode(snapshot with { ComponentVersion = -1, UpdatesFrom = 0 })));
        // Versions 2 and 3 did not record it.
        Assert.Equal(-1, Assert.IsType<OplogEntry.Snapshot>(OplogCodec.Decode(OplogCodec.Encode(snapshot with { UpdatesFrom = -1 }))).UpdatesFrom);
        Assert.Equal(3, OplogCodec.Encode(snapshot with { UpdatesFrom = -1 })[0]);
    }

    [Fact]
    public void The_encoding_of_every_value_tag_matches_its_golden_file()
    {
        var encoded = ValueCodec.Encode(OplogSamples.EveryValueTag);
        var golden = Golden("values.hex", encoded);

        Assert.Equal(golden, Convert.ToHexString(encoded));
        Assert.Equal(OplogSamples.EveryValueTag, ValueCodec.Decode(Convert.FromHexString(golden)));
    }

    private static string Golden(string name, byte[] encoded)
    {
        var path = Path.Combine(GoldenDirectory, name);
        var golden = File.Exists(path) ? File.ReadAllText(path).Trim() : null;
        var actual = Convert.ToHexString(encoded);
        if (Update && golden != actual)
        {
            Directory.CreateDirectory(GoldenDirectory);
            File.WriteAllText(path, actual + "\n");
            Assert.Fail($"{(golden is null ? "wrote" : "rewrote")} the golden file {path}: review it (git diff), then run again without CLAY_UPDATE_GOLDEN");
        }
        Assert.True(golden is not null, $"missing golden file {path}; run the tests with CLAY_UPDATE_GOLDEN=1 to create it");
        return golden;
    }
}
