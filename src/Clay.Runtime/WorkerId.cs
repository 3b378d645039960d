namespace Clay.Runtime;

/// <summary>Identifies a worker: its component's name and its own name, written <c>component/worker</c>.</summary>
/// <param name="Component">The component name, for example <c>demo:cart0</c>.</param>
/// <param name="Worker">The worker name, for example <c>test</c>.</param>
public readonly record struct WorkerId(string Component, string Worker)
{
    /// <inheritdoc/>
    public override string ToString() => $"{Component}/{Worker}";
}
