namespace Clay.Cluster.Hosts;

/// <summary>The other end of a <see cref="HostChannel"/> went away before answering.</summary>
public sealed class HostChannelClosedException(string message, Exception? inner = null) : Exception(message, inner);
