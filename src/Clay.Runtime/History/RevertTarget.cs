namespace Clay.Runtime.History;

/// <summary>
/// Where a revert takes a worker back to: the state as of an oplog index, or as before its last
/// invocations. Exactly one of the two is set.
/// </summary>
public sealed record RevertTarget
{
    private RevertTarget(long? lastOplogIndex, int? numberOfInvocations)
    {
        LastOplogIndex = lastOplogIndex;
        NumberOfInvocations = numberOfInvocations;
    }

    /// <summary>The last entry the worker keeps (<c>--last-oplog-index</c>).</summary>
    public long? LastOplogIndex { get; }

    /// <summary>How many of the latest invocations are undone (<c>--number-of-invocations</c>).</summary>
    public int? NumberOfInvocations { get; }

    /// <summary>Keeps the entries up to <paramref name="index"/>; the later ones are skipped.</summary>
    public static RevertTarget ToOplogIndex(long index) => new(index, null);

    /// <summary>Undoes the latest <paramref name="count"/> invocations.</summary>
    public static RevertTarget Invocations(int count) => new(null, count);

    /// <inheritdoc/>
    public override string ToString() => LastOplogIndex is { } index ? $"--last-oplog-index {index}" : $"--number-of-invocations {NumberOfInvocations}";
}
