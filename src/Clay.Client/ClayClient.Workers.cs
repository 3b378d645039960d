using System.Globalization;
using System.Runtime.CompilerServices;
using Clay.Client.Contracts;

namespace Clay.Client;

public sealed partial class ClayClient
{
    /// <summary>Creates the worker <see cref="CreateWorkerDto.Name"/> of <paramref name="component"/>. Throws <c>worker-already-exists</c> when it exists.</summary>
    public Task<WorkerDto> CreateWorkerAsync(string component, CreateWorkerDto worker, CancellationToken cancellationToken = default) =>
        PostAsync(ApiPaths.Workers(component), worker, ClayJsonContext.Default.CreateWorkerDto, ClayJsonContext.Default.WorkerDto, cancellationToken);

    /// <summary>A worker's status, memory, queue and oplog length. Throws <c>worker-not-found</c> when there is none.</summary>
    public Task<WorkerDto> GetWorkerAsync(string component, string worker, CancellationToken cancellationToken = default) =>
        GetAsync(ApiPaths.Worker(component, worker), ClayJsonContext.Default.WorkerDto, cancellationToken);

    /// <summary>
    /// A page of <paramref name="component"/>'s workers matching every filter (<c>status == Idle</c>,
    /// <c>name like cart</c>, <c>env.REGION == eu</c>): at most <paramref name="count"/> (the server's
    /// default 50), after <paramref name="cursor"/> (a previous page's <see cref="WorkerListDto.Cursor"/>).
    /// </summary>
    public Task<WorkerListDto> ListWorkersAsync(string component, IReadOnlyList<string>? filters = null, int? count = null, string? cursor = null,
        CancellationToken cancellationToken = default) =>
        ListWorkersAsync(component, new WorkerListQuery(filters, count, cursor), cancellationToken);

    /// <summary>A page of <paramref name="component"/>'s workers as <paramref name="query"/> asks (with <see cref="WorkerListQuery.Precise"/>, each asked through its own door).</summary>
    public Task<WorkerListDto> ListWorkersAsync(string component, WorkerListQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var parameters = (query.Filters ?? []).Select(f => ("filter", (string?)f))
            .Append(("count", query.Count?.ToString(CultureInfo.InvariantCulture)))
            .Append(("cursor", query.Cursor))
            .Append(("precise", query.Precise ? "true" : null));
        return GetAsync(ApiPaths.WithQuery(ApiPaths.Workers(component), [.. parameters]), ClayJsonContext.Default.WorkerListDto, cancellationToken);
    }

    /// <summary>Deletes a worker and its oplog.</summary>
    public async Task DeleteWorkerAsync(string component, string worker, CancellationToken cancellationToken = default) =>
        await SendAsync(new HttpRequestMessage(HttpMethod.Delete, ApiPaths.Worker(component, worker)), cancellationToken);

    /// <summary>
    /// Completes promise <paramref name="promise"/> of a worker with <paramref name="value"/>, once: throws
    /// <c>promise-not-found</c> for an id the worker never created, <c>promise-already-completed</c> the second time.
    /// </summary>
    public Task<PromiseCompletedDto> CompletePromiseAsync(string component, string worker, long promise, string value,
        CancellationToken cancellationToken = default) =>
        PostAsync(ApiPaths.Worker(component, worker) + "/promises/" + promise.ToString(CultureInfo.InvariantCulture) + "/complete",
            new CompletePromiseDto(value), ClayJsonContext.Default.CompletePromiseDto, ClayJsonContext.Default.PromiseCompletedDto, cancellationToken);

    /// <summary>
    /// Interrupts a worker: its running invocation stops at its next effect or wait, and it takes no
    /// invocations until resumed. <paramref name="recoverImmediately"/> rebuilds it at once instead (a simulated crash).
    /// </summary>
    public Task<WorkerDto> InterruptWorkerAsync(string component, string worker, bool recoverImmediately = false, CancellationToken cancellationToken = default) =>
        PostAsync(ApiPaths.WithQuery(ApiPaths.Worker(component, worker) + "/interrupt", ("recoverImmediately", recoverImmediately ? "true" : null)),
            new CreateWorkerDto(null, null, null), ClayJsonContext.Default.CreateWorkerDto, ClayJsonContext.Default.WorkerDto, cancellationToken);

    /// <summary>Drops a worker from memory mid-invocation and rebuilds it by replay at once: a crash, for demos and tests.</summary>
    public Task<WorkerDto> SimulateCrashAsync(string component, string worker, CancellationToken cancellationToken = default) =>
        PostAsync(ApiPaths.Worker(component, worker) + "/simulate-crash", new CreateWorkerDto(null, null, null), ClayJsonContext.Default.CreateWorkerDto,
            ClayJsonContext.Default.WorkerDto, cancellationToken);

    /// <summary>
    /// Reverts a worker to its state at oplog index <paramref name="lastOplogIndex"/>, or as before its last
    /// <paramref name="numberOfInvocations"/> invocations (give exactly one). Throws <c>oplog-index-out-of-range</c>,
    /// <c>invocation-count-out-of-range</c> or <c>revert-inside-invocation</c> for a target it cannot reach.
    /// </summary>
    public Task<WorkerDto> RevertWorkerAsync(string component, string worker, long? lastOplogIndex, int? numberOfInvocations,
        CancellationToken cancellationToken = default) =>
        PostAsync(ApiPaths.Worker(component, worker) + "/revert", new RevertDto(lastOplogIndex, numberOfInvocations), ClayJsonContext.Default.RevertDto,
            ClayJsonContext.Default.WorkerDto, cancellationToken);

    /// <summary>
    /// Updates a worker to <paramref name="targetVersion"/> of its component, in <paramref name="mode"/> <c>auto</c> or <c>manual</c>.
    /// Throws <c>update-version-not-found</c>, <c>update-same-version</c>, <c>worker-not-found</c>, <c>invalid-update-mode</c> or
    /// <c>update-failed</c> (recorded in the worker's oplog; the worker stays on its version).
    /// </summary>
    public Task<WorkerDto> UpdateWorkerAsync(string component, string worker, long targetVersion, string mode,
        CancellationToken cancellationToken = default) =>
        PostAsync(ApiPaths.Worker(component, worker) + "/update", new UpdateWorkerDto(targetVersion, mode), ClayJsonContext.Default.UpdateWorkerDto,
            ClayJsonContext.Default.WorkerDto, cancellationToken);

    /// <summary>
    /// Creates worker <paramref name="target"/> of the same component as a fork of <paramref name="worker"/>: its history is the
    /// source's up to <paramref name="oplogIndex"/>, then its own. Throws <c>worker-already-exists</c>, <c>worker-not-found</c>
    /// (the source) or <c>oplog-index-out-of-range</c>.
    /// </summary>
    public Task<WorkerDto> ForkWorkerAsync(string component, string worker, string target, long oplogIndex, CancellationToken cancellationToken = default) =>
        PostAsync(ApiPaths.Worker(component, worker) + "/fork", new ForkDto(target, oplogIndex), ClayJsonContext.Default.ForkDto,
            ClayJsonContext.Default.WorkerDto, cancellationToken);

    /// <summary>A worker's scheduled invocations, earliest first.</summary>
    public Task<ScheduleListDto> GetSchedulesAsync(string component, string worker, CancellationToken cancellationToken = default) =>
        GetAsync(ApiPaths.Worker(component, worker) + "/schedules", ClayJsonContext.Default.ScheduleListDto, cancellationToken);

    /// <summary>Cancels a queued or scheduled invocation. Throws <c>invocation-not-cancellable</c> once it runs or ran, <c>invocation-not-found</c> for an unknown key.</summary>
    public Task<CancelledDto> CancelInvocationAsync(string component, string worker, string idempotencyKey, CancellationToken cancellationToken = default) =>
        PostAsync(ApiPaths.Worker(component, worker) + "/invocations/" + Uri.EscapeDataString(idempotencyKey) + "/cancel",
            new CreateWorkerDto(null, null, null), ClayJsonContext.Default.CreateWorkerDto, ClayJsonContext.Default.CancelledDto, cancellationToken);

    /// <summary>Resumes a failed worker: its invocation is retried with a fresh count of attempts. Throws <c>worker-not-resumable</c> when it has not failed.</summary>
    public Task<WorkerDto> ResumeWorkerAsync(string component, string worker, CancellationToken cancellationToken = default) =>
        PostAsync(ApiPaths.Worker(component, worker) + "/resume", new CreateWorkerDto(null, null, null), ClayJsonContext.Default.CreateWorkerDto,
            ClayJsonContext.Default.WorkerDto, cancellationToken);

    /// <summary>Drops an idle worker from memory now, as the memory budget would; it is rebuilt from its oplog on its next call. Throws <c>worker-busy</c> while it runs.</summary>
    public async Task EvictWorkerAsync(string component, string worker, CancellationToken cancellationToken = default) =>
        await SendAsync(new HttpRequestMessage(HttpMethod.Post, ApiPaths.Worker(component, worker) + "/evict"), cancellationToken);

    /// <summary>
    /// Invokes an exported function of a worker, creating the worker on first use, and returns its
    /// result (or, with <see cref="InvokeDto.Mode"/> <c>enqueue</c>, returns once it is queued).
    /// Repeating an <see cref="InvokeDto.IdempotencyKey"/> returns the recorded result without running it again.
    /// </summary>
    public Task<InvokeResultDto> InvokeAsync(string component, string worker, InvokeDto invocation, CancellationToken cancellationToken = default) =>
        PostAsync(ApiPaths.Worker(component, worker) + "/invoke", invocation, ClayJsonContext.Default.InvokeDto, ClayJsonContext.Default.InvokeResultDto,
            cancellationToken);

    /// <summary>
    /// A page of a worker's oplog: entries from index <paramref name="from"/> matching
    /// <paramref name="query"/> (Lucene-style, see docs/cli.md), at most <paramref name="count"/> (the server's default 1000).
    /// </summary>
    public Task<OplogPageDto> GetOplogAsync(string component, string worker, long? from = null, int? count = null, string? query = null,
        CancellationToken cancellationToken = default) =>
        GetAsync(ApiPaths.WithQuery(ApiPaths.Worker(component, worker) + "/oplog",
                ("from", from?.ToString(CultureInfo.InvariantCulture)), ("query", query), ("count", count?.ToString(CultureInfo.InvariantCulture))),
            ClayJsonContext.Default.OplogPageDto, cancellationToken);

    /// <summary>Every entry of a worker's oplog matching <paramref name="query"/>, fetched <paramref name="pageSize"/> at a time (the server's default 1000).</summary>
    public async IAsyncEnumerable<OplogEntryDto> ReadOplogAsync(string component, string worker, string? query = null, int? pageSize = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        long? from = null;
        do
        {
            var page = await GetOplogAsync(component, worker, from, pageSize, query, cancellationToken);
            foreach (var entry in page.Entries) yield return entry;
            from = page.Next;
        }
        while (from is not null);
    }

    /// <summary>
    /// Every entry of a worker's oplog, each with its encoded bytes (<see cref="OplogEntryDto.Encoded"/>),
    /// fetched <paramref name="pageSize"/> at a time: what an export holds.
    /// </summary>
    public async IAsyncEnumerable<OplogEntryDto> ExportOplogAsync(string component, string worker, int? pageSize = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        long? from = null;
        do
        {
            var page = await GetAsync(ApiPaths.WithQuery(ApiPaths.Worker(component, worker) + "/oplog",
                    ("from", from?.ToString(CultureInfo.InvariantCulture)), ("count", pageSize?.ToString(CultureInfo.InvariantCulture)), ("encoded", "true")),
                ClayJsonContext.Default.OplogPageDto, cancellationToken);
            foreach (var entry in page.Entries) yield return entry;
            from = page.Next;
        }
        while (from is not null);
    }
}
