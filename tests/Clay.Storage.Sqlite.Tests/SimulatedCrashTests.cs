using Clay.Runtime;
using static Clay.Storage.Sqlite.Tests.StoreFixture;

namespace Clay.Storage.Sqlite.Tests;

/// <summary>
/// The store's crash hook, which the in-process crash tests use instead of a clean close: what is
/// queued is lost, a commit in progress lands unacknowledged, and nothing is checkpointed.
/// </summary>
public sealed class SimulatedCrashTests : IDisposable
{
    private readonly StoreFixture _fixture = new();

    public void Dispose() => _fixture.Dispose();

    [Fact]
    public async Task A_crash_drops_queued_appends_and_acknowledges_nothing_in_flight()
    {
        var (w1, w2) = (Worker("w1"), Worker("w2"));
        using var committing = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        var store = await _fixture.OpenAsync();
        await store.AppendAsync(w1, 1, Entries(1));
        store.BeforeCommit = () =>
        {
            committing.Set();
            release.Wait(TimeSpan.FromSeconds(30));
        };

        var inFlight = store.AppendAsync(w1, 2, Entries(1, first: 2)).AsTask();
        Assert.True(committing.Wait(TimeSpan.FromSeconds(30)), "the writer never reached its commit");
        var queued = new[] { store.AppendAsync(w2, 1, Entries(1)).AsTask(), store.AppendAsync(w1, 3, Entries(1, first: 3)).AsTask() };
        var crash = store.CrashAsync().AsTask();
        release.Set();
        await crash;

        foreach (var append in queued.Prepend(inFlight))
        {
            var error = await Assert.ThrowsAsync<Clay.Runtime.Errors.ClayException>(() => append);
            Assert.Equal("storage-unavailable", error.Code);
        }
        Assert.True(WalFile.FramesEnd(_fixture.DatabasePath + "-wal") > 0, "a crash leaves the commits in the WAL, uncheckpointed");
        await using var reopened = await _fixture.OpenAsync();
        // The commit that was under way landed; what was still queued did not (a clean close would have written it).
        Assert.Equal(["1:e1", "2:e2"], await ReadAllAsync(reopened, w1));
        Assert.Equal(0, await reopened.GetLastIndexAsync(w2));
    }
}
