namespace Clay.Runtime.Execution;

/// <summary>How a new worker starts: its arguments and environment.</summary>
/// <param name="Arguments">Start-up arguments.</param>
/// <param name="Environment">Start-up environment.</param>
public sealed record WorkerCreation(IReadOnlyList<string> Arguments, IReadOnlyList<KeyValuePair<string, string>> Environment)
{
    /// <summary>No arguments, empty environment.</summary>
    public static WorkerCreation Default { get; } = new([], []);

    /// <summary>
    /// A worker created by its first invocation: its create entry is committed together with that
    /// invocation instead of on its own (nothing is acknowledged before the invocation is durable).
    /// </summary>
    public static WorkerCreation OnFirstInvocation { get; } = new([], []) { WithFirstInvocation = true };

    /// <summary>True when the create entry may wait for the first invocation's commit.</summary>
    public bool WithFirstInvocation { get; init; }
}
