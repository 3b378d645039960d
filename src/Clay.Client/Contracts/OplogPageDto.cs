namespace Clay.Client.Contracts;

/// <summary>A page of oplog entries (<c>GET …/workers/{worker}/oplog</c>).</summary>
/// <param name="Entries">The entries of this page.</param>
/// <param name="Next">The index the next page starts at; null on the last page.</param>
public sealed record OplogPageDto(IReadOnlyList<OplogEntryDto> Entries, long? Next);
