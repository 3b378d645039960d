namespace Clay.Sdk;

/// <summary>
/// Implemented by a worker class that saves and restores its own state for snapshots. Without it,
/// Clay serializes the worker's fields itself.
/// </summary>
public interface ISnapshotable
{
    /// <summary>Returns the worker's whole state.</summary>
    byte[] SaveSnapshot();

    /// <summary>Restores the state returned by <see cref="SaveSnapshot"/> into a freshly constructed worker.</summary>
    void LoadSnapshot(byte[] snapshot);
}
