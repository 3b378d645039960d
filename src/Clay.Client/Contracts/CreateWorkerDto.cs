namespace Clay.Client.Contracts;

/// <summary>The body of a create-worker request (<c>POST /v1/components/{name}/workers</c>).</summary>
/// <param name="Name">The worker name.</param>
/// <param name="Args">Start-up arguments.</param>
/// <param name="Env">Environment variables.</param>
public sealed record CreateWorkerDto(string? Name, IReadOnlyList<string>? Args, IReadOnlyDictionary<string, string>? Env);
