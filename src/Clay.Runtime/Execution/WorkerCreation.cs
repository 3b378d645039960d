namespace Clay.Runtime.Execution;

/// <summary>How a new worker starts: its arguments and environment.</summary>
/// <param name="Arguments">Start-up arguments.</param>
/// <param name="Environment">Start-up environment.</param>
public sealed record WorkerCreation(IReadOnlyList<string> Arguments, IReadOnlyList<KeyValuePair<string, string>> Environment)
{
    /// <summary>No arguments, empty environment.</summary>
    public static WorkerCreation Default { get; } = new([], []);
}
