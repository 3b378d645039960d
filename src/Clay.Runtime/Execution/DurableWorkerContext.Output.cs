using Clay.Runtime.Diagnostics;
using Clay.Runtime.Oplog;
using Clay.Sdk;

namespace Clay.Runtime.Execution;

/// <summary>
/// What the worker writes to the console: each whole line is a durable log entry with the context
/// <c>stdout</c> or <c>stderr</c>, handed to the log sink like a <c>context.Log</c> line, and
/// dropped while the worker replays (its lines are already in the oplog).
/// </summary>
internal sealed partial class DurableWorkerContext : IWorkerOutput
{
    /// <summary>The log context of captured standard output.</summary>
    public const string StandardOutputContext = "stdout";

    /// <summary>The log context of captured standard error.</summary>
    public const string StandardErrorContext = "stderr";

    private readonly Lock _outputGate = new();
    private ConsoleLineBuffer? _stdout;
    private ConsoleLineBuffer? _stderr;

    /// <inheritdoc/>
    public void Write(WorkerOutputStream stream, ReadOnlySpan<char> text)
    {
        lock (_outputGate)
        {
            var buffer = Buffer(stream);
            if (IsReplaying)
            {
                buffer.Clear();
                return;
            }
            buffer.Append(text, line => AppendLine(stream, line));
        }
    }

    /// <summary>Records what is left of a line without its newline: called when an invocation's code returns.</summary>
    public void FlushOutput()
    {
        lock (_outputGate)
        {
            if (IsReplaying)
            {
                _stdout?.Clear();
                _stderr?.Clear();
                return;
            }
            _stdout?.Flush(line => AppendLine(WorkerOutputStream.StandardOutput, line));
            _stderr?.Flush(line => AppendLine(WorkerOutputStream.StandardError, line));
        }
    }

    private ConsoleLineBuffer Buffer(WorkerOutputStream stream)
    {
        var limit = MaxLineLength();
        return stream == WorkerOutputStream.StandardError ? _stderr ??= new(limit) : _stdout ??= new(limit);
    }

    private void AppendLine(WorkerOutputStream stream, string line) =>
        WriteLog(stream == WorkerOutputStream.StandardError ? WorkerLogLevel.Warn : WorkerLogLevel.Info,
            stream == WorkerOutputStream.StandardError ? StandardErrorContext : StandardOutputContext, line);
}
