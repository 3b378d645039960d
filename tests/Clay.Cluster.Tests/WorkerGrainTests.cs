using Clay.Cluster.Workers;
using Clay.Runtime;
using Clay.Runtime.Errors;
using Clay.Runtime.Execution;
using Clay.Runtime.Values;
using Orleans.Runtime;

namespace Clay.Cluster.Tests;

/// <summary>The worker grain through a serializing client: the door, its typing and its errors, as a remote caller sees them.</summary>
[Collection(ClusterCollection.Name)]
public sealed class WorkerGrainTests(ClusterFixture fixture)
{
    private IWorkerGrain Grain(string name) => fixture.Client.Worker(new WorkerId("test:cart", name));

    private static InvokeRequest Wave(string function, params string[] args) =>
        new(function, args, null, Guid.NewGuid().ToString(), Enqueue: false, MaxWait: TimeSpan.FromSeconds(30));

    [Fact]
    public void A_worker_reference_made_from_the_resolved_types_is_the_one_orleans_makes_from_the_key()
    {
        foreach (var id in new[] { new WorkerId("test:cart", "first"), new WorkerId("test:other", "second/with slash"), new WorkerId("test:cart", "grüße-ø") })
        {
            var made = (GrainReference)(object)fixture.Client.Worker(id);
            var orleans = (GrainReference)(object)fixture.Client.GetGrain<IWorkerGrain>(WorkerGrainKey.Of(id));

            Assert.Equal(orleans.GrainId, made.GrainId);
            Assert.Equal(orleans.InterfaceType, made.InterfaceType);
            Assert.Equal(id, WorkerGrainKey.Parse(made.GrainId.Key.ToString()));
        }
    }

    [Fact]
    public async Task A_call_that_outlives_its_wait_answers_running_and_the_same_key_later_gets_the_one_result()
    {
        var grain = fixture.Client.Worker(new WorkerId("test:waiter", "slow"));
        var request = new InvokeRequest("nap", ["1"], null, "nap-once", Enqueue: false, MaxWait: TimeSpan.FromMilliseconds(50));

        var first = await grain.InvokeAsync(request);
        var second = await grain.InvokeAsync(request with { MaxWait = TimeSpan.FromSeconds(30) });

        Assert.Equal((InvocationState.Running, "nap-once"), (first.State, first.IdempotencyKey));
        Assert.Equal((InvocationState.Completed, "nap-once"), (second.State, second.IdempotencyKey));
        Assert.StartsWith("woke at", Assert.IsType<Value.String>(second.Result).V);
        Assert.Single((await grain.ReadOplogAsync(1, 100, null)).Entries, e => e.Kind == "exported-function-invoked");
    }

    [Fact]
    public async Task Values_cross_the_wire_in_both_directions_and_the_state_is_kept()
    {
        var grain = Grain("values");
        await grain.InvokeAsync(Wave("initialize-cart", "\"ann\""));
        var item = new Value.Record(new RecordField[]
        {
            new("product-id", new Value.String("p1")), new("name", new Value.String("Pen")), new("price", new Value.F32(1.5f)), new("quantity", new Value.U32(3)),
        });
        await grain.InvokeAsync(new InvokeRequest("add-item", null, [item], "typed-1", false, TimeSpan.FromSeconds(30)));

        var reply = await grain.InvokeAsync(Wave("get-cart"));

        Assert.Equal(InvocationState.Completed, reply.State);
        Assert.Equal("get-cart-contents", reply.Function);
        Assert.Equal(new Value.List(new Value[] { item }), reply.Result);
    }

    [Fact]
    public async Task Errors_reach_a_remote_caller_as_clay_exceptions_with_their_codes()
    {
        var missing = await Assert.ThrowsAsync<WorkerNotFoundException>(() => Grain("nobody").GetAsync());
        Assert.Equal(ErrorCodes.WorkerNotFound, missing.Code);
        Assert.Contains("test:cart/nobody", missing.Message);

        var unknown = await Assert.ThrowsAsync<FunctionNotFoundException>(() => Grain("nobody").InvokeAsync(Wave("drop-tables")));
        Assert.Equal(ErrorCodes.FunctionNotFound, unknown.Code);
        Assert.Contains("add-item", unknown.Message);
    }

    [Fact]
    public async Task An_error_carrying_a_driver_s_exception_reaches_a_remote_caller_as_its_code_and_message_alone()
    {
        var worker = fixture.Client.Worker(new WorkerId(UnreachableCatalog.Component, "w"));

        var invoked = await Assert.ThrowsAsync<ClayException>(() => worker.InvokeAsync(Wave("initialize-cart", "\"ann\"")));
        var created = await Assert.ThrowsAsync<ClayException>(() => worker.CreateAsync(WorkerCreation.Default));

        foreach (var error in new[] { invoked, created })
        {
            Assert.Equal(ErrorCodes.StorageUnavailable, error.Code);
            Assert.Contains("connection refused", error.Message);
            Assert.Null(error.InnerException);
        }
    }

    [Fact]
    public async Task A_request_that_does_not_fit_the_signature_is_refused_and_creates_nothing()
    {
        var grain = Grain("refused");
        var wave = await Assert.ThrowsAsync<ClayException>(() => grain.InvokeAsync(Wave("add-item", "{ product-id: 5 }")));
        Assert.Equal(ErrorCodes.InvalidWaveValue, wave.Code);
        var typed = await Assert.ThrowsAsync<ClayException>(() =>
            grain.InvokeAsync(new InvokeRequest("update-item-quantity", null, [new Value.String("p1"), new Value.String("many")], "t", false, TimeSpan.FromSeconds(30))));
        Assert.Equal(ErrorCodes.InvalidArguments, typed.Code);
        Assert.Contains("quantity: u32", typed.Message);

        await Assert.ThrowsAsync<WorkerNotFoundException>(grain.GetAsync);
    }

    [Fact]
    public async Task Status_oplog_eviction_and_deletion_go_through_the_grain()
    {
        var grain = Grain("door");
        await grain.InvokeAsync(Wave("initialize-cart", "\"bo\""));

        var info = await grain.GetAsync();
        Assert.Equal(new WorkerId("test:cart", "door"), info.Id);
        Assert.True(info.Resident);
        // What `worker get` asks, in one call: a worker in memory knows it was never updated.
        var details = await grain.GetDetailsAsync();
        Assert.Equal((info.Id, true, 0L), (details.Info.Id, details.Info.Resident, details.Info.UpdatesFrom));
        Assert.Empty(details.Updates);
        var page = await grain.ReadOplogAsync(1, 100, "initialize-cart");
        Assert.Equal("exported-function-invoked", Assert.Single(page.Entries).Kind);

        Assert.True(await grain.EvictAsync());
        Assert.False((await grain.GetAsync()).Resident);
        var completed = (await grain.ReadOplogAsync(1, 100, "exported-function-completed")).Entries.Single();
        Assert.Equal("(unit)", completed.Fields.Single(f => f.Name == "result").Value);

        await grain.DeleteAsync();
        await Assert.ThrowsAsync<WorkerNotFoundException>(grain.GetAsync);
        Assert.Equal(0, await ClusterFixture.Store.GetLastIndexAsync(new WorkerId("test:cart", "door")));
    }

    [Fact]
    public async Task A_workers_updates_are_read_through_its_grain()
    {
        var grain = fixture.Client.Worker(new WorkerId("test:updatable", "moved"));
        await grain.InvokeAsync(Wave("initialize-cart", "\"cy\""));
        Assert.Equal(1, (await grain.GetAsync()).ComponentVersion);

        await Assert.ThrowsAsync<ClayException>(() => grain.UpdateAsync(7, manual: false));
        var moved = await grain.UpdateAsync(0, manual: false);

        Assert.Equal(0, moved.ComponentVersion);
        var details = await grain.GetDetailsAsync();
        var update = Assert.Single(details.Updates);
        Assert.Equal((0L, "auto", "succeeded"), (update.TargetVersion, update.Mode, update.Outcome));
        Assert.NotNull(update.FinishedAt);
        Assert.True(details.Info.UpdatesFrom > 0, $"updates from {details.Info.UpdatesFrom}");
        await Assert.ThrowsAsync<WorkerNotFoundException>(fixture.Client.Worker(new WorkerId("test:updatable", "nobody")).GetDetailsAsync);
    }

    [Fact]
    public async Task Durable_log_lines_cross_the_wire_page_by_page()
    {
        var id = new WorkerId("test:cart", "logged");
        var at = new DateTimeOffset(2026, 12, 5, 0, 0, 0, TimeSpan.Zero);
        var entries = new Clay.Runtime.Oplog.OplogEntry[]
        {
            new Clay.Runtime.Oplog.OplogEntry.Create(at, 0, [], [], 10, 10),
            new Clay.Runtime.Oplog.OplogEntry.Log(at, Clay.Sdk.WorkerLogLevel.Error, "stderr", "first"),
            new Clay.Runtime.Oplog.OplogEntry.Log(at.AddSeconds(1), Clay.Sdk.WorkerLogLevel.Info, "", "second"),
        };
        await ClusterFixture.Store.AppendAsync(id, 1, [.. entries.Select(e => (ReadOnlyMemory<byte>)Clay.Runtime.Oplog.Codec.OplogCodec.Encode(e))]);
        var grain = fixture.Client.Worker(id);

        var page = await grain.ReadLogsAsync(0, 2);
        var rest = await grain.ReadLogsAsync(page.Last, 2);

        Assert.Equal(new Clay.Runtime.History.WorkerLogLine(2, at, Clay.Sdk.WorkerLogLevel.Error, "stderr", "first"), Assert.Single(page.Lines));
        Assert.Equal((2L, true), (page.Last, page.More));
        Assert.Equal(new Clay.Runtime.History.WorkerLogLine(3, at.AddSeconds(1), Clay.Sdk.WorkerLogLevel.Info, "", "second"), Assert.Single(rest.Lines));
        Assert.Equal((3L, false), (rest.Last, rest.More));
        Assert.Empty((await fixture.Client.Worker(new WorkerId("test:cart", "unborn")).ReadLogsAsync(0, 10)).Lines);
    }
}
