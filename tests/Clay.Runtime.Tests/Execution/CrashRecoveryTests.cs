using Clay.Runtime.Execution;
using Clay.Runtime.Values;
using Clay.TestComponents.Durability;
using Cart;
using static Clay.Runtime.Tests.Execution.CartValues;

namespace Clay.Runtime.Tests.Execution;

[Collection(StaticComponentState.Name)]
public sealed class CrashRecoveryTests
{
    private static readonly WorkerId Caller = ExecutorFixture.Worker(typeof(HttpCaller), "caller");

    [Fact]
    public async Task An_invocation_crashed_after_its_http_effect_completes_once_and_the_request_is_not_sent_again()
    {
        using var server = new CountingHttpServer();
        await using var fixture = new ExecutorFixture(typeof(HttpCaller));
        HttpCaller.Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        HttpCaller.AfterRequest = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var (store, executor) = await fixture.StartAsync();

        var abandoned = executor.InvokeAsync(Caller, "post", [Str(server.Url), Str("order-1")], idempotencyKey: "k1");
        await HttpCaller.AfterRequest.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await fixture.CrashAsync(store, executor);
        Assert.False(abandoned.IsCompleted);
        Assert.Equal(1, server.Requests);

        HttpCaller.Gate = HttpCaller.CompletedGate();
        var (_, recovered) = await fixture.StartAsync();
        var result = await recovered.InvokeAsync(Caller, "post", [Str(server.Url), Str("order-1")], idempotencyKey: "k1");

        Assert.Equal(Str("200:call 1: order-1"), result.Result);
        Assert.Equal(1, server.Requests);
        var responses = (await recovered.InvokeAsync(Caller, "responses", [])).Result;
        Assert.Equal(new Value.List(new Value[] { Str("200:call 1: order-1") }), responses);
    }

    [Fact]
    public async Task An_effect_begun_but_not_recorded_before_a_crash_is_not_run_again()
    {
        using var server = new CountingHttpServer { Release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously) };
        await using var fixture = new ExecutorFixture(typeof(HttpCaller));
        HttpCaller.Gate = HttpCaller.CompletedGate();
        var (store, executor) = await fixture.StartAsync();

        var abandoned = executor.InvokeAsync(Caller, "post", [Str(server.Url), Str("pay")], idempotencyKey: "k2");
        await server.RequestArrived.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await fixture.CrashAsync(store, executor);
        server.Release.SetResult();
        // The old executor can no longer record the outcome: its store is gone.
        await Assert.ThrowsAnyAsync<Exception>(() => abandoned);

        var (_, recovered) = await fixture.StartAsync();
        var failure = await Assert.ThrowsAsync<InvocationFailedException>(
            () => recovered.InvokeAsync(Caller, "post", [Str(server.Url), Str("pay")], idempotencyKey: "k2"));

        Assert.Equal(typeof(Clay.Sdk.EffectOutcomeUnknownException).FullName, failure.ExceptionType);
        Assert.Contains("outcome", failure.ExceptionMessage);
        Assert.Equal(1, server.Requests);
        Assert.Equal(WorkerStatus.Idle, (await recovered.GetInfoAsync(Caller)).Status);
    }

    [Fact]
    public async Task An_idempotent_request_interrupted_by_a_crash_is_simply_sent_again()
    {
        using var server = new CountingHttpServer { Release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously) };
        await using var fixture = new ExecutorFixture(typeof(HttpCaller));
        var (store, executor) = await fixture.StartAsync();

        var abandoned = executor.InvokeAsync(Caller, "get", [Str(server.Url)], idempotencyKey: "g1");
        await server.RequestArrived.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await fixture.CrashAsync(store, executor);
        server.Release.SetResult();
        await Assert.ThrowsAnyAsync<Exception>(() => abandoned);

        var (_, recovered) = await fixture.StartAsync();
        var result = await recovered.InvokeAsync(Caller, "get", [Str(server.Url)], idempotencyKey: "g1");

        Assert.Equal(Str("call 2: "), result.Result);
        Assert.Equal(2, server.Requests);
    }

    [Fact]
    public async Task A_torn_wal_tail_recovers_a_prefix_of_the_invocations_and_the_worker_continues()
    {
        await using var fixture = new ExecutorFixture(typeof(ShoppingCart));
        var cart = ExecutorFixture.Worker(typeof(ShoppingCart), "torn");
        var (store, executor) = await fixture.StartAsync();
        for (var i = 0; i < 20; i++) await executor.InvokeAsync(cart, "add-item", [Item($"p{i}")]);

        // Copy the database as a crash would leave it: files copied while the store is open.
        var crashed = Path.Combine(fixture.DataDirectory, "crashed");
        Directory.CreateDirectory(crashed);
        foreach (var file in Directory.GetFiles(fixture.DataDirectory, "oplog.db*"))
        {
            if (!file.EndsWith(".lock", StringComparison.Ordinal)) File.Copy(file, Path.Combine(crashed, Path.GetFileName(file)));
        }
        var wal = Path.Combine(crashed, "oplog.db-wal");
        Assert.True(File.Exists(wal), "the store keeps recent commits in its WAL");
        // A torn write: the last commit's frames only partly on disk.
        var framesEnd = Clay.Storage.Sqlite.WalFile.FramesEnd(wal);
        Assert.True(framesEnd > 3000, "the WAL holds the commits");
        using (var stream = new FileStream(wal, FileMode.Open)) stream.SetLength(framesEnd - 3000);
        await fixture.StopAsync(store, executor);

        await using var copy = new ExecutorFixture(typeof(ShoppingCart));
        File.Delete(copy.DatabasePath);
        foreach (var file in Directory.GetFiles(crashed)) File.Copy(file, Path.Combine(copy.DataDirectory, Path.GetFileName(file)));
        var (_, recovered) = await copy.StartAsync();
        var ids = ProductIds((await recovered.InvokeAsync(cart, "get-cart-contents", [])).Result);

        Assert.InRange(ids.Count, 1, 19);
        Assert.Equal(Enumerable.Range(0, ids.Count).Select(i => $"p{i}"), ids);
        await recovered.InvokeAsync(cart, "add-item", [Item("after")]);
        Assert.Equal("after", ProductIds((await recovered.InvokeAsync(cart, "get-cart-contents", [])).Result)[^1]);
    }

    [Fact]
    public async Task An_enqueued_invocation_survives_a_crash_before_it_runs()
    {
        await using var fixture = new ExecutorFixture(typeof(HttpCaller));
        using var server = new CountingHttpServer();
        HttpCaller.Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        HttpCaller.AfterRequest = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var (store, executor) = await fixture.StartAsync();
        _ = executor.InvokeAsync(Caller, "post", [Str(server.Url), Str("first")], idempotencyKey: "blocker");
        await HttpCaller.AfterRequest.Task.WaitAsync(TimeSpan.FromSeconds(30));
        var worker = await executor.GetAsync(Caller, null);
        var key = await worker.EnqueueAsync("get", [Str(server.Url)], "queued");
        Assert.Equal("queued", key);
        Assert.Equal(1, worker.GetInfo().PendingInvocations);
        await fixture.CrashAsync(store, executor);

        HttpCaller.Gate = HttpCaller.CompletedGate();
        var (_, recovered) = await fixture.StartAsync();
        var result = await recovered.InvokeAsync(Caller, "get", [Str(server.Url)], idempotencyKey: "queued");

        Assert.Equal(Str("call 2: "), result.Result);
        Assert.Equal(2, server.Requests);
    }
}

/// <summary>Tests that set the test components' static switches must not run in parallel.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class StaticComponentState
{
    public const string Name = "static component state";
}
