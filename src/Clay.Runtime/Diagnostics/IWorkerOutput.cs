namespace Clay.Runtime.Diagnostics;

/// <summary>
/// Where the text a worker writes to <see cref="System.Console"/> goes while its code runs. The
/// worker's context implements it: whole lines become durable log entries (context <c>stdout</c> or
/// <c>stderr</c>) that reach the same log sink as <c>context.Log</c>, and nothing is recorded while
/// the worker replays, so a recovered worker does not print its history again.
/// </summary>
/// <remarks>
/// <see cref="WorkerConsoleRouter"/> finds the implementation through <see cref="Sdk.WorkerContext.Current"/>,
/// which flows with the worker's asynchronous code: concurrent workers' output is told apart without
/// any lock around the console. A process that hosts component code elsewhere implements this
/// interface to forward the text to the worker's executor.
/// </remarks>
public interface IWorkerOutput
{
    /// <summary>
    /// Takes text the worker wrote to <paramref name="stream"/>; called on the writing thread, it must
    /// not block. Text up to a newline is one line; the rest waits for the next write or the end of
    /// the invocation.
    /// </summary>
    void Write(WorkerOutputStream stream, ReadOnlySpan<char> text);
}
