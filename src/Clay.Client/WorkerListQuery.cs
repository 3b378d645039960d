namespace Clay.Client;

/// <summary>What a listing of a component's workers asks for.</summary>
/// <param name="Filters">Filter clauses that must all match (<c>status == Idle</c>, <c>name like cart</c>, <c>env.REGION == eu</c>).</param>
/// <param name="Count">At most this many workers (the server's default 50).</param>
/// <param name="Cursor">Continue after a previous page's <see cref="Contracts.WorkerListDto.Cursor"/>.</param>
/// <param name="Precise">
/// Ask each worker through its own door (its node, its component host), as <see cref="ClayClient.GetWorkerAsync"/> does,
/// instead of taking a worker out of memory from its stored mark: slower, one call per worker examined.
/// </param>
public sealed record WorkerListQuery(IReadOnlyList<string>? Filters = null, int? Count = null, string? Cursor = null, bool Precise = false);
