namespace Clay.Sdk;

/// <summary>The name of a worker and of the component it is an instance of.</summary>
/// <param name="ComponentName">The component, for example <c>demo:cart0</c>.</param>
/// <param name="WorkerName">The worker, for example <c>test</c>.</param>
public sealed record WorkerIdentity(string ComponentName, string WorkerName)
{
    /// <inheritdoc/>
    public override string ToString() => $"{ComponentName}/{WorkerName}";
}
