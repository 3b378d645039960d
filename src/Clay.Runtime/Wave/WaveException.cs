using Clay.Runtime.Errors;

namespace Clay.Runtime.Wave;

/// <summary>
/// Malformed WAVE text, or WAVE text that does not fit the expected type. The message starts with
/// the one-based <c>line:column</c> of the problem, for example <c>1:23: expected ',' or '}'</c>.
/// </summary>
public sealed class WaveException : ClayException
{
    /// <summary>Creates the error for a position in the input.</summary>
    public WaveException(int line, int column, string problem)
        : base(ErrorCodes.InvalidWaveValue, $"{line}:{column}: {problem}")
    {
        Line = line;
        Column = column;
        Problem = problem;
    }

    /// <summary>One-based line of the problem.</summary>
    public int Line { get; }

    /// <summary>One-based column of the problem, counted in UTF-16 code units.</summary>
    public int Column { get; }

    /// <summary>The problem without its position.</summary>
    public string Problem { get; }
}
