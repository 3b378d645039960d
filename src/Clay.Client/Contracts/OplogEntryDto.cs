using System.Text.Json.Serialization;

namespace Clay.Client.Contracts;

/// <summary>An oplog entry for display, and in an export also as the oplog holds it.</summary>
/// <param name="Index">Its index in the oplog, from 1.</param>
/// <param name="Timestamp">When it was written.</param>
/// <param name="Kind">Its kind, for example <c>exported-function-invoked</c>.</param>
/// <param name="Fields">Its payload as (name, text) pairs.</param>
/// <param name="Encoded">
/// Base64 of the entry's bytes in Clay's oplog codec (docs/oplog-format.md): present only in an export
/// (<c>GET …/oplog?encoded=true</c>, <c>clay worker oplog --export</c>), where it is what a replay reads.
/// </param>
public sealed record OplogEntryDto(long Index, DateTimeOffset Timestamp, string Kind, IReadOnlyList<IReadOnlyList<string>> Fields,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Encoded = null);
