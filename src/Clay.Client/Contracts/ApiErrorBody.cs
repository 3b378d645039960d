namespace Clay.Client.Contracts;

/// <summary>The body of every error response: <c>{"error":{"code":…,"message":…}}</c>.</summary>
/// <param name="Error">The error.</param>
public sealed record ApiErrorBody(ApiError Error);
