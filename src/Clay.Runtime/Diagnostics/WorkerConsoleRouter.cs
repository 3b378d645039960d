using System.Text;
using Clay.Sdk;

namespace Clay.Runtime.Diagnostics;

/// <summary>
/// The process's <see cref="Console.Out"/> and <see cref="Console.Error"/> once
/// <see cref="Install"/> ran: text written from a worker's code goes to that worker's
/// <see cref="IWorkerOutput"/> (found through <see cref="WorkerContext.Current"/>, which flows with
/// its asynchronous code), everything else to the stream the process had before.
/// </summary>
/// <remarks>
/// Routing by the ambient context rather than by thread is what keeps two workers apart when their
/// code interleaves on the thread pool. A write made while a worker's output is being recorded (a
/// logger that prints synchronously, say) goes to the original stream, never back into a worker.
/// </remarks>
public sealed class WorkerConsoleRouter : TextWriter
{
    private static readonly Lock InstallGate = new();
    private static bool _installed;

    [ThreadStatic]
    private static bool _recording;

    private readonly TextWriter _original;
    private readonly WorkerOutputStream _stream;

    private WorkerConsoleRouter(TextWriter original, WorkerOutputStream stream)
    {
        _original = original;
        _stream = stream;
    }

    /// <inheritdoc/>
    public override Encoding Encoding => _original.Encoding;

    /// <summary>Routes the process's console through workers from now on; calling it again does nothing.</summary>
    public static void Install()
    {
        lock (InstallGate)
        {
            if (_installed) return;
            Console.SetOut(new WorkerConsoleRouter(Console.Out, WorkerOutputStream.StandardOutput));
            Console.SetError(new WorkerConsoleRouter(Console.Error, WorkerOutputStream.StandardError));
            _installed = true;
        }
    }

    /// <inheritdoc/>
    public override void Write(char value) => Write([value]);

    /// <inheritdoc/>
    public override void Write(string? value) => Write(value.AsSpan());

    /// <inheritdoc/>
    public override void Write(char[] buffer, int index, int count) => Write(buffer.AsSpan(index, count));

    /// <inheritdoc/>
    public override void Write(ReadOnlySpan<char> buffer)
    {
        if (_recording || WorkerContext.Current is not IWorkerOutput worker)
        {
            _original.Write(buffer);
            return;
        }
        _recording = true;
        try
        {
            worker.Write(_stream, buffer);
        }
        finally
        {
            _recording = false;
        }
    }

    /// <inheritdoc/>
    public override void WriteLine(string? value)
    {
        // One call, so that a line is never split between the text and its newline.
        Write(string.Concat(value, NewLine));
    }

    /// <inheritdoc/>
    public override void WriteLine(ReadOnlySpan<char> buffer) => Write(string.Concat(buffer, NewLine));

    /// <inheritdoc/>
    public override void WriteLine() => Write(NewLine.AsSpan());

    /// <inheritdoc/>
    public override void Flush() => _original.Flush();
}
