using Clay.Runtime.Execution;

namespace Clay.Runtime.Tests.Execution;

/// <summary>The keys made for invocations that bring none: random version-4 GUIDs that never repeat.</summary>
public sealed class FreshKeysTests
{
    [Fact]
    public async Task Keys_are_version_4_guids_distinct_across_threads_and_past_each_batch_of_randomness()
    {
        // 2,000 keys per thread: several 4 KiB batches of 256 keys each.
        var perThread = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Factory.StartNew(
            () => Enumerable.Range(0, 2_000).Select(_ => FreshKeys.Next()).ToList(), TaskCreationOptions.LongRunning)));
        var keys = perThread.SelectMany(k => k).ToList();

        Assert.Equal(keys.Count, keys.Distinct(StringComparer.Ordinal).Count());
        Assert.All(keys, key =>
        {
            Assert.True(Guid.TryParseExact(key, "D", out var guid), key);
            Assert.Equal(4, guid.Version);
            Assert.Equal(0b10, guid.Variant >> 2);
        });
        // Random, not counted: the keys' bits are spread evenly (each of the 122 random bits set in about half the keys).
        var set = new int[16 * 8];
        foreach (var key in keys)
        {
            var bytes = Guid.Parse(key).ToByteArray();
            for (var bit = 0; bit < set.Length; bit++) set[bit] += (bytes[bit / 8] >> (bit % 8)) & 1;
        }
        var fixedBits = new HashSet<int> { 60, 61, 62, 63, 70, 71 };
        for (var bit = 0; bit < set.Length; bit++)
        {
            if (!fixedBits.Contains(bit)) Assert.InRange(set[bit], keys.Count * 0.45, keys.Count * 0.55);
        }
    }
}
