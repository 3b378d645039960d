using System.Globalization;
using System.Text;
using Clay.Runtime.Types;
using Clay.Runtime.Values;

namespace Clay.Runtime.Wave;

/// <summary>The tokens between values, and the errors that say where the text went wrong.</summary>
public ref partial struct WaveParser
{
    private void Expect(char c, string what)
    {
        if (Peek() != c) throw Error($"expected {what}, found {DescribeNext()}");
        _pos++;
    }

    /// <summary>Expects the character that opens a value of <paramref name="type"/>, described only when it is missing.</summary>
    private void ExpectOpening(char c, ClayType type)
    {
        if (Peek() != c) throw Error($"expected {Opening(type)}, found {DescribeNext()}");
        _pos++;
    }

    private static string Opening(ClayType type) => type switch
    {
        ClayType.Record record => $"record {record.Name}",
        ClayType.Flags flags => $"flags {flags.Name}",
        _ => Describe(type),
    };

    private readonly char Peek(int ahead = 0) => _pos + ahead < _text.Length ? _text[_pos + ahead] : '\0';

    private void SkipSpace()
    {
        while (!AtEnd && _text[_pos] is ' ' or '\t' or '\n' or '\r') _pos++;
    }

    /// <summary>Reads a label, with an optional <c>%</c> escape; empty when none is there.</summary>
    private ReadOnlySpan<char> ReadLabel()
    {
        var escaped = Peek() == '%';
        if (escaped) _pos++;
        var word = ReadWord();
        if (escaped && word.Length == 0) throw Error("expected a label after '%'");
        return word;
    }

    /// <summary>The next label-like word, as a slice of the text: compared, not copied, unless it is kept.</summary>
    private ReadOnlySpan<char> ReadWord()
    {
        var start = _pos;
        if (AtEnd || !WaveSyntax.IsLabelStart(_text[_pos])) return [];
        while (!AtEnd && WaveSyntax.IsLabelPart(_text[_pos])) _pos++;
        return _text[start.._pos];
    }

    private ReadOnlySpan<char> ReadNumberToken()
    {
        var start = _pos;
        if (Peek() is '-' or '+') _pos++;
        while (!AtEnd && (char.IsAsciiLetterOrDigit(_text[_pos]) || _text[_pos] == '.' ||
               (_text[_pos] is '+' or '-' && _text[_pos - 1] is 'e' or 'E')))
        {
            _pos++;
        }
        if (_pos == start + 1 && _text[start] is '-' or '+')
        {
            _pos = start;
            return [];
        }
        return _text[start.._pos];
    }

    private readonly string DescribeNext()
    {
        if (AtEnd) return "end of input";
        var c = _text[_pos];
        if (WaveSyntax.IsLabelStart(c))
        {
            var end = _pos;
            while (end < _text.Length && WaveSyntax.IsLabelPart(_text[end])) end++;
            return $"'{_text[_pos..end].ToString()}'";
        }
        return c switch
        {
            '"' => "a string",
            '\'' => "a char",
            '{' => "'{'",
            '[' => "'['",
            '(' => "'('",
            _ when char.IsAsciiDigit(c) || c == '-' => "a number",
            _ => $"'{c}'",
        };
    }

    private readonly string DescribeToken(int start, ReadOnlySpan<char> word)
    {
        if (word.Length > 0) return $"'{word}'";
        var copy = this;
        copy._pos = start;
        return copy.DescribeNext();
    }

    /// <summary>The WIT names of the primitive kinds, by kind: made once, not on every number read.</summary>
    private static readonly string[] Names = KindNames();

    private static string[] KindNames()
    {
        var kinds = Enum.GetValues<PrimitiveKind>();
        var names = new string[kinds.Max(k => (int)k) + 1];
        foreach (var kind in kinds) names[(int)kind] = kind.ToString().ToLowerInvariant();
        return names;
    }

    private static string Name(PrimitiveKind kind) => Names[(int)kind];

    private static string Describe(ClayType type) => WitPrinter.PrintType(type);

    private readonly WaveException Error(string problem) => ErrorAt(_pos, problem);

    private readonly WaveException Error(string problem, int at) => ErrorAt(at, problem);

    private readonly WaveException ErrorAt(int position, string problem)
    {
        var line = 1;
        var column = 1;
        for (var i = 0; i < position && i < _text.Length; i++)
        {
            if (_text[i] == '\n')
            {
                line++;
                column = 1;
            }
            else
            {
                column++;
            }
        }
        return new WaveException(line, column, problem);
    }
}
