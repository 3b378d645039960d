using System.Text;

namespace Clay.Runtime.Diagnostics;

/// <summary>
/// Cuts text written in pieces into whole lines: <c>\n</c> ends a line (a <c>\r</c> before it is
/// dropped). A line longer than <see cref="MaxLineLength"/> is cut there, so a worker that never
/// writes a newline cannot grow the buffer without bound. Not thread-safe: the owner locks.
/// </summary>
internal sealed class ConsoleLineBuffer(int maxLineLength)
{
    private readonly StringBuilder _pending = new();

    /// <summary>The longest line kept whole.</summary>
    public int MaxLineLength { get; } = maxLineLength > 0 ? maxLineLength : throw new ArgumentOutOfRangeException(nameof(maxLineLength));

    /// <summary>True when text without a newline waits.</summary>
    public bool HasPartialLine => _pending.Length > 0;

    /// <summary>Adds <paramref name="text"/> and calls <paramref name="line"/> for each line it completes, in order.</summary>
    public void Append(ReadOnlySpan<char> text, Action<string> line)
    {
        while (!text.IsEmpty)
        {
            var newline = text.IndexOf('\n');
            var piece = newline < 0 ? text : text[..newline];
            while (_pending.Length + piece.Length > MaxLineLength)
            {
                var room = MaxLineLength - _pending.Length;
                _pending.Append(piece[..room]);
                piece = piece[room..];
                line(Take());
            }
            _pending.Append(piece);
            if (newline < 0) return;
            line(Take());
            text = text[(newline + 1)..];
        }
    }

    /// <summary>Ends the partial line, if any: calls <paramref name="line"/> with it.</summary>
    public void Flush(Action<string> line)
    {
        if (_pending.Length > 0) line(Take());
    }

    /// <summary>Forgets the partial line (the worker replayed it, or is rebuilt).</summary>
    public void Clear() => _pending.Clear();

    private string Take()
    {
        var length = _pending.Length;
        if (length > 0 && _pending[length - 1] == '\r') length--;
        var text = _pending.ToString(0, length);
        _pending.Clear();
        return text;
    }
}
