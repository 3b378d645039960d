namespace Clay.Runtime.Storage;

/// <summary>Argument checks shared by the oplog stores.</summary>
public static class StoreArguments
{
    /// <summary>Throws when a listing is asked to start after a worker name without naming its component.</summary>
    /// <exception cref="ArgumentException"><paramref name="after"/> is set and <paramref name="component"/> is not.</exception>
    public static void ThrowIfAfterWithoutComponent(string? component, string? after)
    {
        if (after is not null && component is null)
        {
            throw new ArgumentException("a listing that starts after a worker name needs the worker's component", nameof(after));
        }
    }
}
