namespace Clay.Client.Contracts;

/// <summary>One log line of a worker, as the live log stream (<c>GET …/workers/{worker}/logs</c>) carries it.</summary>
/// <param name="Index">The oplog index of the entry that records it: the stream's cursor.</param>
/// <param name="Timestamp">When the worker wrote it.</param>
/// <param name="Level">Its level: <c>trace</c>, <c>debug</c>, <c>info</c>, <c>warn</c>, <c>error</c> or <c>critical</c>.</param>
/// <param name="Context">Where it came from: empty for <c>context.Log</c>, <c>stdout</c> or <c>stderr</c> for console output.</param>
/// <param name="Message">The text.</param>
public sealed record LogLineDto(long Index, DateTimeOffset Timestamp, string Level, string Context, string Message);
