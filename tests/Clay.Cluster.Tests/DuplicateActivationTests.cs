using Clay.Runtime;
using Clay.Runtime.Components;
using Clay.Runtime.Errors;
using Clay.Runtime.Execution;
using Clay.Runtime.Hosting;
using Clay.Runtime.Residency;
using Clay.Runtime.Storage;
using Clay.Runtime.Values;
using Clay.Storage.Postgres;
using Clay.TestComponents.Durability;

namespace Clay.Cluster.Tests;

/// <summary>
/// Two nodes both activate one worker, as they can for a moment while a cluster's membership
/// changes: each has its own connection to the cluster's PostgreSQL database and its own executor.
/// The oplog's fence lets only one of them append; the other's invocation fails with
/// <c>oplog-conflict</c>, and the worker's history stays one line.
/// </summary>
public sealed class DuplicateActivationTests
{
    private static readonly WorkerId Worker = new("test:tally", "twice");

    [Fact]
    public async Task Two_activations_of_one_worker_on_two_nodes_cannot_fork_its_oplog()
    {
        await using var schema = new ScratchSchema();
        var catalog = new InMemoryComponentCatalog();
        catalog.Add(Worker.Component, ComponentModel.FromType(typeof(Tally)), size: 1000);
        await using var storeA = await PostgresOplogStore.OpenAsync(schema.Options);
        await using var storeB = await PostgresOplogStore.OpenAsync(schema.Options);
        await using var nodeA = new WorkerActivation(Worker, new WorkerServices(storeA, catalog, new WorkerExecutorOptions(), new ResidentWorkers()));
        await using var nodeB = new WorkerActivation(Worker, new WorkerServices(storeB, catalog, new WorkerExecutorOptions(), new ResidentWorkers()));

        await nodeA.CreateAsync(new WorkerCreation([], []));
        Assert.Equal(new Value.U64(1), await AddAsync(nodeA, 1, "a1"));
        Assert.Equal(new Value.U64(3), await AddAsync(nodeA, 2, "a2"));
        // The second activation reads what is durable and goes on from there.
        Assert.Equal(new Value.U64(13), await AddAsync(nodeB, 10, "b1"));

        // The first one still believes the oplog ends where it left it: its append is refused.
        var refused = await Assert.ThrowsAnyAsync<ClayException>(() => AddAsync(nodeA, 3, "a3"));
        Assert.Equal(ErrorCodes.OplogConflict, refused.Code);

        // Sent again with the same key, the invocation runs once, after everything durable.
        Assert.Equal(new Value.U64(16), await AddAsync(nodeA, 3, "a3"));

        await using var reader = await PostgresOplogStore.OpenAsync(schema.Options);
        var indexes = new List<long>();
        await foreach (var entry in reader.ReadAsync(Worker, 1)) indexes.Add(entry.Index);
        Assert.Equal(Enumerable.Range(1, indexes.Count).Select(i => (long)i), indexes);
        await using var fresh = new WorkerActivation(Worker, new WorkerServices(reader, catalog, new WorkerExecutorOptions(), new ResidentWorkers()));
        var history = await fresh.InvokeAsync(InvocationRequest.Of("history", []));
        Assert.Equal(new Value.List(new Value[] { new Value.U64(1), new Value.U64(2), new Value.U64(10), new Value.U64(3) }), history.Result);
    }

    private static async Task<Value?> AddAsync(WorkerActivation node, ulong value, string key) =>
        (await node.InvokeAsync(InvocationRequest.Of("add", [new Value.U64(value)], key))).Result;
}
