namespace Clay.Client.Contracts;

/// <summary>
/// The body of an update (<c>POST /v1/components/{name}/workers/{worker}/update</c>).
/// </summary>
/// <param name="TargetVersion">The component version the worker moves to.</param>
/// <param name="Mode"><c>auto</c> (replay the worker's history on the new version; the default) or <c>manual</c> (move its state through a snapshot).</param>
public sealed record UpdateWorkerDto(long? TargetVersion, string? Mode);
