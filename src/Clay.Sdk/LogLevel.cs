namespace Clay.Sdk;

/// <summary>Severity of a durable log line.</summary>
public enum WorkerLogLevel
{
    /// <summary>Fine-grained diagnostics.</summary>
    Trace,
    /// <summary>Diagnostics.</summary>
    Debug,
    /// <summary>Normal operation.</summary>
    Info,
    /// <summary>Something unexpected that the worker handled.</summary>
    Warn,
    /// <summary>A failure.</summary>
    Error,
}
