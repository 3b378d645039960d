using Clay.Client.Contracts;

namespace Clay.Cli.Output;

/// <summary>
/// The text form of an invocation's result, as Golem prints it: <c>Empty result.</c> for a function
/// without one, otherwise a header line and each result value as a YAML list item in WAVE.
/// </summary>
public static class InvocationText
{
    /// <summary>The line before the values.</summary>
    public const string Header = "Invocation results in WAVE format:";

    /// <summary>The line of a function that returns nothing.</summary>
    public const string Empty = "Empty result.";

    /// <summary>Writes the result of <paramref name="reply"/>.</summary>
    public static void Write(TextWriter output, InvokeResultDto reply)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(reply);
        if (reply.Result is not { } value)
        {
            output.WriteLine(Empty);
            return;
        }
        // A .NET function has one result value; Golem writes one "- " line per value of a WIT function.
        output.WriteLine(Header);
        output.WriteLine($"- {value.Wave}");
    }
}
