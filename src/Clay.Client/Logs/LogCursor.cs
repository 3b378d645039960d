namespace Clay.Client.Logs;

/// <summary>
/// Where a reader of a worker's log stands: the oplog index of the last line it was given. Lines
/// carry increasing oplog indexes, so a line at or before the cursor is one the reader already has
/// (the server resent it after a reconnection, or a replayed worker wrote it before): it is dropped.
/// </summary>
internal sealed class LogCursor(long? after)
{
    /// <summary>The index of the last line accepted (or the starting point); null before any.</summary>
    public long? Position { get; private set; } = after;

    /// <summary>True, and moves the cursor, for a line after it; false for one the reader has.</summary>
    public bool Accept(long index)
    {
        if (Position is { } position && index <= position) return false;
        Position = index;
        return true;
    }

    /// <summary>Moves the cursor past lines the server said it cannot deliver.</summary>
    public void Skip(long through)
    {
        if (Position is not { } position || through > position) Position = through;
    }
}
