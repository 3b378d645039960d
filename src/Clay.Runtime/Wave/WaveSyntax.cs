namespace Clay.Runtime.Wave;

/// <summary>Lexical rules shared by the WAVE printer and parser.</summary>
internal static class WaveSyntax
{
    /// <summary>Words that name values and must be written <c>%word</c> when used as a label.</summary>
    private static readonly HashSet<string> Keywords = new(StringComparer.Ordinal)
    {
        "true", "false", "some", "none", "ok", "err", "inf", "nan",
    };

    public static bool IsKeyword(string label) => Keywords.Contains(label);

    public static bool IsLabelStart(char c) => c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z');

    public static bool IsLabelPart(char c) => IsLabelStart(c) || c is (>= '0' and <= '9') or '-';
}
