namespace Clay.Client.Contracts;

/// <summary>
/// Log lines the server could not deliver to a reconnecting reader: written, but neither durable yet
/// nor still held in the server's memory. They are in the oplog once the worker commits.
/// </summary>
/// <param name="After">The last index the reader has.</param>
/// <param name="Through">The last index that could not be served.</param>
/// <param name="Message">The server's explanation.</param>
public sealed record LogGapDto(long After, long Through, string Message);
