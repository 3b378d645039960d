namespace Clay.Client.Contracts;

/// <summary>What a component delete removed.</summary>
/// <param name="Name">The component.</param>
/// <param name="Versions">The versions deleted; their numbers are never reused.</param>
/// <param name="Workers">Workers that were on those versions (only a forced delete leaves any): they keep their oplogs but cannot run.</param>
public sealed record ComponentDeletedDto(string Name, IReadOnlyList<long> Versions, long Workers);
