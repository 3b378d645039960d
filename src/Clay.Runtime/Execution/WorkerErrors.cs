using Clay.Runtime.Errors;

namespace Clay.Runtime.Execution;

/// <summary>No worker with that id exists.</summary>
public sealed class WorkerNotFoundException(WorkerId worker)
    : ClayException(ErrorCodes.WorkerNotFound, $"worker {worker} not found")
{
    /// <summary>The worker.</summary>
    public WorkerId Worker { get; } = worker;
}

/// <summary>The worker exists already.</summary>
public sealed class WorkerAlreadyExistsException(WorkerId worker)
    : ClayException(ErrorCodes.WorkerAlreadyExists, $"worker {worker} already exists")
{
    /// <summary>The worker.</summary>
    public WorkerId Worker { get; } = worker;
}

/// <summary>The worker failed permanently or exited and takes no more invocations.</summary>
public sealed class WorkerUnavailableException(WorkerId worker, WorkerStatus status, string? lastError)
    : ClayException(status == WorkerStatus.Exited ? ErrorCodes.WorkerExited : ErrorCodes.WorkerFailed,
        status == WorkerStatus.Exited
            ? $"worker {worker} has exited and takes no more invocations"
            : $"worker {worker} has failed and takes no more invocations: {lastError}")
{
    /// <summary>The worker.</summary>
    public WorkerId Worker { get; } = worker;
}

/// <summary>No exported function of that name.</summary>
public sealed class FunctionNotFoundException(string function, string message) : ClayException(ErrorCodes.FunctionNotFound, message)
{
    /// <summary>No function named exactly <paramref name="function"/> in <paramref name="component"/>, which exports <paramref name="available"/>.</summary>
    public FunctionNotFoundException(string component, string function, IEnumerable<string> available)
        : this(function, $"component {component} exports no function '{function}'; available: {string.Join(", ", available)}")
    {
    }

    /// <summary>The name asked for.</summary>
    public string Function { get; } = function;
}
