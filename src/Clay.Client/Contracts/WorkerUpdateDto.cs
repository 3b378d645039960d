namespace Clay.Client.Contracts;

/// <summary>One update of a worker, in its update history (<see cref="WorkerDto.Updates"/>).</summary>
/// <param name="TargetVersion">The version it was to move to.</param>
/// <param name="Mode"><c>auto</c> or <c>manual</c>.</param>
/// <param name="Outcome"><c>succeeded</c>, <c>failed</c>, or <c>pending</c> (under way).</param>
/// <param name="RequestedAt">When it was requested.</param>
/// <param name="FinishedAt">When its outcome was recorded.</param>
/// <param name="Detail">Why it failed.</param>
public sealed record WorkerUpdateDto(long TargetVersion, string Mode, string Outcome, DateTimeOffset RequestedAt, DateTimeOffset? FinishedAt, string? Detail);
