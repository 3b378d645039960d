namespace Clay.Client.Export;

/// <summary>
/// The first line of an oplog export (docs/testing.md, "The export format"): what the file is, which
/// version of the format it follows, and whose history it holds.
/// </summary>
/// <param name="Format">Always <see cref="OplogExport.FormatName"/>.</param>
/// <param name="Version">The version of the format; a reader refuses a version it does not know.</param>
/// <param name="Component">The worker's component, for example <c>demo:cart</c>.</param>
/// <param name="Worker">The worker's name.</param>
/// <param name="ExportedAt">When the export was taken.</param>
/// <param name="Entries">How many entry lines follow (indexes 1 to this, in order): a shorter file was cut off.</param>
public sealed record OplogExportHeader(string Format, int Version, string Component, string Worker, DateTimeOffset ExportedAt, long Entries);
