namespace Clay.Client.Contracts;

/// <summary>An invocation waiting for its time.</summary>
/// <param name="IdempotencyKey">Its key, which also cancels it.</param>
/// <param name="Function">The function.</param>
/// <param name="Args">The arguments, as WAVE text.</param>
/// <param name="DueAt">When it may start.</param>
public sealed record ScheduleDto(string IdempotencyKey, string Function, IReadOnlyList<string> Args, DateTimeOffset DueAt);

/// <summary>A worker's scheduled invocations, earliest first (<c>GET …/workers/{worker}/schedules</c>).</summary>
/// <param name="Schedules">The invocations.</param>
public sealed record ScheduleListDto(IReadOnlyList<ScheduleDto> Schedules);

/// <summary>The answer to a cancellation (<c>POST …/workers/{worker}/invocations/{key}/cancel</c>).</summary>
/// <param name="IdempotencyKey">The cancelled invocation's key.</param>
public sealed record CancelledDto(string IdempotencyKey);
