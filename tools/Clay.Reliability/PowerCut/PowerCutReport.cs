namespace Clay.Reliability.PowerCut;

/// <summary>What a power cut undid.</summary>
/// <param name="WritesUndone">Writes and size changes that no sync had covered, put back.</param>
/// <param name="BytesRestored">Bytes written back over them.</param>
/// <param name="EntriesUndone">File and directory creations, deletions and renames that no directory sync had covered, put back.</param>
/// <param name="Warnings">Changes the layer saw but cannot undo; a test should treat any as a failure of the layer.</param>
public sealed record PowerCutReport(int WritesUndone, long BytesRestored, int EntriesUndone, IReadOnlyList<string> Warnings)
{
    /// <inheritdoc/>
    public override string ToString() =>
        $"power cut: {WritesUndone} unsynced writes undone ({BytesRestored:N0} bytes), {EntriesUndone} unsynced directory changes undone"
        + (Warnings.Count > 0 ? $"; warnings: {string.Join("; ", Warnings)}" : "");
}
