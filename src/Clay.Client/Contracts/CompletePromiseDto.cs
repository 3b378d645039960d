namespace Clay.Client.Contracts;

/// <summary>The body of a promise completion (<c>POST /v1/components/{name}/workers/{worker}/promises/{id}/complete</c>).</summary>
/// <param name="Value">The value the waiting worker receives, as text (JSON, for example, is up to the worker).</param>
public sealed record CompletePromiseDto(string? Value);
