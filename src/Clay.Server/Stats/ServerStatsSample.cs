namespace Clay.Server.Stats;

/// <summary>The server's figures at one moment, as <c>GET /v1/server/stats</c> shows them.</summary>
/// <param name="Time">When they were read.</param>
/// <param name="ResidentWorkers">Workers in memory (<c>clay_workers_resident</c>).</param>
/// <param name="MemoryUsed">Estimated memory of the resident workers, bytes (<c>clay_memory_used_bytes</c>).</param>
/// <param name="MemoryBudget">The memory budget, bytes (<c>clay_memory_budget_bytes</c>).</param>
/// <param name="Evictions">Workers dropped from memory since the start (<c>clay_worker_evictions_total</c>).</param>
/// <param name="Recoveries">Workers rebuilt from their oplog since the start (<c>clay_worker_recoveries_total</c>).</param>
/// <param name="Invocations">Invocations answered through the REST API since the start.</param>
/// <param name="FailedInvocations">Of those, the ones answered with an error.</param>
/// <param name="InvocationsPerSecond">Invocations answered per second since the previous sample.</param>
/// <param name="OplogEntries">Oplog entries written since the start (<c>clay_oplog_entries_total</c>).</param>
/// <param name="ProcessMemory">The server process's resident memory, bytes.</param>
public sealed record ServerStatsSample(DateTimeOffset Time, long ResidentWorkers, long MemoryUsed, long MemoryBudget, long Evictions,
    long Recoveries, long Invocations, long FailedInvocations, double InvocationsPerSecond, long OplogEntries, long ProcessMemory);
