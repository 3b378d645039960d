namespace Clay.Runtime.Execution;

/// <summary>The status of a worker, as Golem users know it.</summary>
public enum WorkerStatus
{
    /// <summary>Executing an invocation.</summary>
    Running,
    /// <summary>Ready for the next invocation.</summary>
    Idle,
    /// <summary>An invocation waits on a durable sleep.</summary>
    Suspended,
    /// <summary>Interrupted; resumes when asked.</summary>
    Interrupted,
    /// <summary>An effect failed transiently and waits for its next attempt.</summary>
    Retrying,
    /// <summary>Failed permanently; takes no more invocations.</summary>
    Failed,
    /// <summary>Exited; takes no more invocations.</summary>
    Exited,
}
