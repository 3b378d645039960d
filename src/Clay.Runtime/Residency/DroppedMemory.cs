namespace Clay.Runtime.Residency;

/// <summary>
/// Gives back the memory of workers dropped from memory. A worker lives in memory long enough for the
/// runtime to move it to its oldest generation, which is collected rarely: dropped workers pile up
/// there as garbage, and a server that keeps replacing evicted workers with new ones grows well past
/// what its resident workers hold. Once the workers dropped since the last full collection are worth
/// <c>threshold</c> bytes (as the budget counts them), a full collection is asked for, in the background.
/// </summary>
/// <param name="threshold">How many bytes' worth of dropped workers wait for a full collection.</param>
public sealed class DroppedMemory(long threshold)
{
    private readonly Lock _gate = new();
    private long _dropped;
    private int _fullCollections = GC.CollectionCount(2);

    /// <summary>Counts <paramref name="bytes"/> worth of workers just dropped; may ask for a full collection.</summary>
    public void Dropped(long bytes)
    {
        if (bytes <= 0) return;
        lock (_gate)
        {
            // A full collection the runtime made on its own since has taken what was dropped before it.
            var collections = GC.CollectionCount(2);
            if (collections != _fullCollections)
            {
                _fullCollections = collections;
                _dropped = 0;
            }
            _dropped += bytes;
            if (_dropped < threshold) return;
            _dropped = 0;
        }
        // Background: the workers that remain go on while it marks.
        GC.Collect(2, GCCollectionMode.Forced, blocking: false);
    }
}
