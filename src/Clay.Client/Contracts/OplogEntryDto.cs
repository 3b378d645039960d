namespace Clay.Client.Contracts;

/// <summary>An oplog entry for display.</summary>
/// <param name="Index">Its index in the oplog, from 1.</param>
/// <param name="Timestamp">When it was written.</param>
/// <param name="Kind">Its kind, for example <c>exported-function-invoked</c>.</param>
/// <param name="Fields">Its payload as (name, text) pairs.</param>
public sealed record OplogEntryDto(long Index, DateTimeOffset Timestamp, string Kind, IReadOnlyList<IReadOnlyList<string>> Fields);
