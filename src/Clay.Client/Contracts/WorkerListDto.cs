namespace Clay.Client.Contracts;

/// <summary>A page of a component's workers (<c>GET /v1/components/{name}/workers</c>).</summary>
/// <param name="Workers">The workers of this page.</param>
/// <param name="Cursor">Where the next page starts; null on the last page.</param>
public sealed record WorkerListDto(IReadOnlyList<WorkerDto> Workers, string? Cursor);
