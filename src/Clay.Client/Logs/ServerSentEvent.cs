namespace Clay.Client.Logs;

/// <summary>One event of a <c>text/event-stream</c>.</summary>
/// <param name="Id">Its <c>id:</c> field, null when it has none.</param>
/// <param name="Name">Its <c>event:</c> field (<c>message</c> when absent).</param>
/// <param name="Data">Its <c>data:</c> lines joined with newlines.</param>
internal sealed record ServerSentEvent(string? Id, string Name, string Data);
