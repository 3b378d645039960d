namespace Clay.Client.Contracts;

/// <summary>
/// The body of a revert (<c>POST /v1/components/{name}/workers/{worker}/revert</c>): exactly one of the two.
/// </summary>
/// <param name="LastOplogIndex">The last oplog entry the worker keeps; the later ones are skipped by replay.</param>
/// <param name="NumberOfInvocations">How many of the worker's latest invocations are undone.</param>
public sealed record RevertDto(long? LastOplogIndex, int? NumberOfInvocations);
