namespace Clay.Client.Contracts;

/// <summary>The answer to an invoke request.</summary>
/// <param name="IdempotencyKey">The key the invocation ran under (the one sent, or a new one).</param>
/// <param name="Function">The full name of the function invoked.</param>
/// <param name="Result">The result; null for a function without one, or when the invocation was only enqueued.</param>
public sealed record InvokeResultDto(string IdempotencyKey, string Function, ResultDto? Result);
