namespace Clay.Client.Contracts;

/// <summary>The body of a fork (<c>POST /v1/components/{name}/workers/{worker}/fork</c>, the URL naming the source).</summary>
/// <param name="Target">The new worker's name (a worker of the source's component).</param>
/// <param name="OplogIndex">The last entry of the source's oplog the new worker's history copies.</param>
public sealed record ForkDto(string? Target, long? OplogIndex);
