namespace Clay.Client.Contracts;

/// <summary>One node of the server; its figures are null when it did not answer (or is gone).</summary>
/// <param name="Url">Where its REST API is.</param>
/// <param name="SiloAddress">Its Orleans silo address (address:port@generation).</param>
/// <param name="Status">Its membership status: Joining, Active, ShuttingDown, Stopping or Dead.</param>
/// <param name="Self">True for the node that answered the request.</param>
/// <param name="StartedAt">When it started.</param>
/// <param name="ResidentWorkers">Workers in its memory.</param>
/// <param name="MemoryUsed">Their estimated memory, in bytes.</param>
/// <param name="MemoryBudget">Its memory budget, in bytes.</param>
public sealed record NodeDto(string Url, string SiloAddress, string Status, bool Self, DateTimeOffset StartedAt, int? ResidentWorkers,
    long? MemoryUsed, long? MemoryBudget);
