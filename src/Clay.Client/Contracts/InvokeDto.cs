namespace Clay.Client.Contracts;

/// <summary>The body of an invoke request (<c>POST …/workers/{worker}/invoke</c>).</summary>
/// <param name="Function">The exported function; a unique part of its name is enough.</param>
/// <param name="Args">One WAVE value (or JSON value) per parameter.</param>
/// <param name="IdempotencyKey">Runs at most once for this key; a repeat returns the recorded result. A new key when null.</param>
/// <param name="Mode"><c>await</c> (the default) waits for the result; <c>enqueue</c> returns once the invocation is queued.</param>
/// <param name="ScheduleAt">Schedules the invocation to start at this time (it is then queued, as with <c>enqueue</c>).</param>
public sealed record InvokeDto(string? Function, IReadOnlyList<string>? Args, string? IdempotencyKey, string? Mode, DateTimeOffset? ScheduleAt = null);
