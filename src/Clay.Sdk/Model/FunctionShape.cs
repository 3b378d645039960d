namespace Clay.Sdk.Model;

/// <summary>How an exported function returns.</summary>
public enum FunctionShape
{
    /// <summary>Returns its result (or nothing) directly.</summary>
    Sync,

    /// <summary>
    /// Returns a task: the invoker returns a <see cref="Task"/> (a value task is turned into one),
    /// and <see cref="FunctionDescriptor.TaskResult"/> reads the completed task's result.
    /// </summary>
    Task,
}
