using Clay.Runtime.Errors;
using Clay.Runtime.Execution;
using Clay.Runtime.Values;
using Clay.Storage.Sqlite;
using Clay.TestComponents.Durability;

namespace Clay.Runtime.Tests.Execution;

/// <summary>A full disk: invocations fail clearly, nothing unacknowledged is kept, and the worker carries on once there is room.</summary>
[Collection(StaticComponentState.Name)]
public sealed class StorageFailureTests
{
    [Fact]
    public async Task When_the_disk_is_full_invocations_fail_unacknowledged_and_resume_once_space_returns()
    {
        await using var fixture = new ExecutorFixture(typeof(Tally));
        var worker = ExecutorFixture.Worker(typeof(Tally), "full");
        var cramped = await SqliteOplogStore.OpenAsync(new SqliteStoreOptions { DatabasePath = fixture.DatabasePath, MaxDatabaseBytes = 256 * 1024 });
        var executor = fixture.NewExecutor(cramped);
        ulong acknowledged = 0;
        ClayException? full = null;
        for (ulong i = 1; i <= 100_000 && full is null; i++)
        {
            try
            {
                await executor.InvokeAsync(worker, "add", [new Value.U64(i)], idempotencyKey: $"k{i}");
                acknowledged = i;
            }
            catch (ClayException ex)
            {
                full = ex;
            }
        }
        var stillFull = await Assert.ThrowsAnyAsync<ClayException>(() =>
            executor.InvokeAsync(worker, "add", [new Value.U64(999_999)], idempotencyKey: "while-full"));
        await executor.DisposeAsync();
        await cramped.DisposeAsync();

        Assert.NotNull(full);
        Assert.Equal(ErrorCodes.StorageUnavailable, full.Code);
        Assert.Contains("full", full.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(ErrorCodes.StorageUnavailable, stillFull.Code);
        Assert.True(acknowledged > 100, $"only {acknowledged} invocations fitted");

        // Space returns: the worker is rebuilt from what was acknowledged, and goes on.
        var (_, roomy) = await fixture.StartAsync();
        var history = (Value.List)(await roomy.InvokeAsync(worker, "history", [])).Result!;
        var next = await roomy.InvokeAsync(worker, "add", [new Value.U64(1)], idempotencyKey: "after");

        Assert.Equal(Enumerable.Range(1, (int)acknowledged).Select(i => (Value)new Value.U64((ulong)i)), history.Items);
        Assert.Equal(new Value.U64(acknowledged * (acknowledged + 1) / 2 + 1), next.Result);
    }
}
