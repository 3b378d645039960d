using Cart;
using Clay.Client.Export;
using Clay.Testing.Environment;
using Clay.Testing.Replay;
using Clay.TestComponents.Testing;

namespace Clay.Testing.Tests;

public sealed class ReplayTests
{
    [Fact]
    public async Task A_recorded_history_replays_against_the_code_that_recorded_it()
    {
        var export = await RecordCartAsync();

        var result = await WorkerReplayer.ReplayAsync<ShoppingCart>(export);

        Assert.True(result.IsDeterministic, result.Failure?.Message);
        Assert.Equal(export.Entries.Count, result.Entries);
        result.EnsureDeterministic();
    }

    [Fact]
    public async Task A_changed_component_is_reported_at_the_first_entry_it_no_longer_matches_with_both_sides()
    {
        var export = await RecordCartAsync();
        // The original draws the random number first: that is the entry the reordered code cannot match.
        var firstRandom = export.Entries.First(e => e.Kind == "imported-function-invoked" && e.Fields.Any(f => f[1].Contains("random", StringComparison.Ordinal)));

        var result = await WorkerReplayer.ReplayAsync<ReorderedShoppingCart>(export);

        Assert.False(result.IsDeterministic);
        var divergence = Assert.IsType<ReplayDivergence>(result.Divergence);
        Assert.Equal(firstRandom.Index, divergence.EntryIndex);
        Assert.Equal("effect random::next-u64", divergence.Expected);
        Assert.Equal("effect random::new-guid", divergence.Actual);
        Assert.Same(firstRandom, divergence.Entry);
        var thrown = Assert.Throws<ReplayMismatchException>(result.EnsureDeterministic);
        Assert.Contains($"oplog entry {firstRandom.Index}", thrown.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_export_survives_its_file_and_a_cut_off_file_is_refused_naming_the_problem()
    {
        var export = await RecordCartAsync();
        var path = Path.Combine(Path.GetTempPath(), $"testing-replay-{Guid.NewGuid():N}.jsonl");
        try
        {
            await using (var file = File.Create(path)) await export.WriteAsync(file);
            Assert.True((await WorkerReplayer.ReplayAsync<ShoppingCart>(path)).IsDeterministic);

            var lines = await File.ReadAllLinesAsync(path);
            await File.WriteAllLinesAsync(path, lines[..^1]);
            var error = await Assert.ThrowsAsync<InvalidDataException>(() => WorkerReplayer.ReplayAsync<ShoppingCart>(path));
            Assert.Contains($"announces {export.Entries.Count} entries but the file holds {export.Entries.Count - 1}", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>A cart's history with items and checkouts, recorded by the real executor.</summary>
    private static async Task<OplogExport> RecordCartAsync()
    {
        await using var env = await ClayTestEnvironment.StartAsync<ShoppingCart>();
        var cart = env.Worker("recorded");
        await cart.InvokeAsync(c => c.InitializeCart("ada"));
        await cart.InvokeAsync(c => c.AddItem(new ProductItem("p1", "Mug", 9.5f, 2)));
        for (var i = 0; i < 3; i++) await cart.InvokeAsync(c => c.Checkout());
        await cart.InvokeAsync(c => c.AddItem(new ProductItem("p2", "Tea", 4.25f, 1)));
        return await cart.ExportOplogAsync();
    }
}
