namespace Clay.Client.Logs;

/// <summary>How a <see cref="WorkerLogStream"/> copes with a connection that goes away.</summary>
public sealed record LogStreamOptions
{
    /// <summary>How long to keep reconnecting after the connection was lost before giving up with <c>stream-lost</c>.</summary>
    public TimeSpan ReconnectTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// A connection that carries nothing for this long is taken as lost and reopened: the server
    /// sends a comment every 15 s, so silence means the network or the server is gone.
    /// </summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromSeconds(45);

    /// <summary>The first pause between reconnection attempts; it doubles up to 2 s.</summary>
    public TimeSpan FirstRetryDelay { get; init; } = TimeSpan.FromMilliseconds(100);
}
