namespace Clay.Runtime.Diagnostics;

/// <summary>Which of the process's standard streams a worker wrote to.</summary>
public enum WorkerOutputStream
{
    /// <summary><see cref="System.Console.Out"/>: recorded as log lines of level <c>info</c> with context <c>stdout</c>.</summary>
    StandardOutput,

    /// <summary><see cref="System.Console.Error"/>: recorded as log lines of level <c>warn</c> with context <c>stderr</c>.</summary>
    StandardError,
}
