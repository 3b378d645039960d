using System.Text;
using System.Text.RegularExpressions;
using Clay.Runtime.Errors;
using Clay.Runtime.Oplog.Display;
using Clay.Runtime.Values;
using Clay.Runtime.Wave;

namespace Clay.Runtime.Oplog.Query;

/// <summary>
/// A parsed <c>clay worker oplog --query</c>: a small Lucene subset. Terms match as
/// case-insensitive substrings, <c>"phrases"</c> likewise with spaces, <c>/regex/</c> as a regular
/// expression, <c>field:value</c> only in that field (entry fields such as <c>function</c>, or
/// record fields inside values such as <c>product-id</c>); <c>AND</c>, <c>OR</c>, <c>NOT</c> and
/// parentheses combine them, and clauses written side by side are ANDed. A term looks at the
/// entry's kind name, its field values, and the values it carries down into record fields.
/// </summary>
public abstract class OplogQuery
{
    private OplogQuery() { }

    /// <summary>Parses a query.</summary>
    /// <exception cref="ClayException">With code <c>invalid-oplog-query</c>, naming the position.</exception>
    public static OplogQuery Parse(string query)
    {
        ArgumentNullException.ThrowIfNull(query);
        var parser = new Parser(query);
        return parser.ParseAll();
    }

    /// <summary>Whether the entry matches.</summary>
    public bool Matches(OplogEntry entry) => Matches(OplogEntryFormatter.Format(entry, WavePrinter.Print));

    /// <summary>Whether the prepared entry matches.</summary>
    public bool Matches(OplogEntryDisplay entry) => Evaluate(new Subject(entry));

    private protected abstract bool Evaluate(Subject subject);

    /// <summary>Everything a query can look at in one entry: (field name, text) pairs.</summary>
    private protected sealed class Subject
    {
        public Subject(OplogEntryDisplay entry)
        {
            Facets.Add(("kind", entry.Kind));
            foreach (var field in entry.Fields) Facets.Add((field.Name, field.Value));
            foreach (var value in entry.Values) AddNested(value);
        }

        public List<(string Name, string Text)> Facets { get; } = [];

        private void AddNested(Value value)
        {
            switch (value)
            {
                case Value.Record record:
                    foreach (var field in record.Fields)
                    {
                        Facets.Add((field.Name, Plain(field.Value)));
                        AddNested(field.Value);
                    }
                    break;
                case Value.List list:
                    foreach (var item in list.Items) AddNested(item);
                    break;
                case Value.Tuple tuple:
                    foreach (var item in tuple.Items) AddNested(item);
                    break;
                case Value.Option { Inner: { } inner }:
                    AddNested(inner);
                    break;
                case Value.Result { Payload: { } payload }:
                    AddNested(payload);
                    break;
                case Value.Variant { Payload: { } payload }:
                    AddNested(payload);
                    break;
            }
        }

        /// <summary>A string without its quotes, anything else as WAVE.</summary>
        private static string Plain(Value value) => value is Value.String s ? s.V : WavePrinter.Print(value);
    }

    private sealed class Text(string? field, string text) : OplogQuery
    {
        private protected override bool Evaluate(Subject subject) =>
            subject.Facets.Any(f => (field is null || string.Equals(f.Name, field, StringComparison.OrdinalIgnoreCase))
                                    && f.Text.Contains(text, StringComparison.OrdinalIgnoreCase));
    }

    private sealed class Pattern(string? field, Regex regex) : OplogQuery
    {
        private protected override bool Evaluate(Subject subject)
        {
            try
            {
                return subject.Facets.Any(f => (field is null || string.Equals(f.Name, field, StringComparison.OrdinalIgnoreCase)) && regex.IsMatch(f.Text));
            }
            catch (RegexMatchTimeoutException)
            {
                throw new ClayException(ErrorCodes.InvalidOplogQuery,
                    $"the regex /{regex}/ took longer than {regex.MatchTimeout.TotalMilliseconds:0} ms on one entry: simplify it (nested repetition such as (a+)+ can take exponential time)");
            }
        }
    }

    private sealed class And(OplogQuery left, OplogQuery right) : OplogQuery
    {
        private protected override bool Evaluate(Subject subject) => left.Evaluate(subject) && right.Evaluate(subject);
    }

    private sealed class Or(OplogQuery left, OplogQuery right) : OplogQuery
    {
        private protected override bool Evaluate(Subject subject) => left.Evaluate(subject) || right.Evaluate(subject);
    }

    private sealed class Not(OplogQuery inner) : OplogQuery
    {
        private protected override bool Evaluate(Subject subject) => !inner.Evaluate(subject);
    }

    /// <summary>Recursive descent: or := and (OR and)*; and := unary ((AND)? unary)*; unary := NOT unary | atom.</summary>
    private sealed class Parser(string text)
    {
        private int _pos;

        public OplogQuery ParseAll()
        {
            SkipSpace();
            if (_pos >= text.Length) throw Error("the query is empty");
            var query = ParseOr();
            SkipSpace();
            if (_pos < text.Length) throw Error(text[_pos] == ')' ? "unbalanced ')'" : $"unexpected '{text[_pos]}'");
            return query;
        }

        private OplogQuery ParseOr()
        {
            var left = ParseAnd();
            while (TryKeyword("OR")) left = new Or(left, ParseAnd());
            return left;
        }

        private OplogQuery ParseAnd()
        {
            var left = ParseUnary();
            while (true)
            {
                SkipSpace();
                if (_pos >= text.Length || text[_pos] == ')' || PeekKeyword("OR")) return left;
                TryKeyword("AND");
                left = new And(left, ParseUnary());
            }
        }

        private OplogQuery ParseUnary()
        {
            if (TryKeyword("NOT")) return new Not(ParseUnary());
            SkipSpace();
            if (_pos >= text.Length) throw Error("expected a term after the operator");
            if (text[_pos] == '(')
            {
                var open = _pos;
                _pos++;
                var inner = ParseOr();
                SkipSpace();
                if (_pos >= text.Length || text[_pos] != ')') throw Error($"'(' at {open + 1} is not closed");
                _pos++;
                return inner;
            }
            if (text[_pos] == ')') throw Error("expected a term before ')'");
            string? field = null;
            var wordStart = _pos;
            if (text[_pos] is not ('"' or '/'))
            {
                var word = ReadWord(stopAfterColon: true);
                if (!word.EndsWith(':')) return new Text(null, word);
                field = word[..^1];
                if (field.Length == 0) throw Error("expected a field name before ':'", wordStart);
                if (_pos >= text.Length || char.IsWhiteSpace(text[_pos]) || text[_pos] is '(' or ')')
                    throw Error($"expected a value after '{field}:'");
                if (text[_pos] is not ('"' or '/')) return new Text(field, ReadWord(stopAfterColon: false));
            }
            return text[_pos] == '"' ? new Text(field, ReadDelimited('"', "phrase")) : new Pattern(field, ToRegex(ReadDelimited('/', "regex")));
        }

        private Regex ToRegex(string pattern)
        {
            try
            {
                return new Regex(pattern, RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(200));
            }
            catch (ArgumentException ex)
            {
                throw Error($"invalid regex /{pattern}/: {ex.Message}");
            }
        }

        private string ReadDelimited(char delimiter, string what)
        {
            var start = _pos;
            _pos++;
            var builder = new StringBuilder();
            while (_pos < text.Length && text[_pos] != delimiter)
            {
                if (text[_pos] == '\\' && _pos + 1 < text.Length && text[_pos + 1] == delimiter) _pos++;
                builder.Append(text[_pos++]);
            }
            if (_pos >= text.Length) throw Error($"unterminated {what}", start);
            _pos++;
            return builder.ToString();
        }

        private string ReadWord(bool stopAfterColon)
        {
            var start = _pos;
            while (_pos < text.Length && !char.IsWhiteSpace(text[_pos]) && text[_pos] is not ('(' or ')'))
            {
                _pos++;
                if (stopAfterColon && text[_pos - 1] == ':') break;
            }
            return text[start.._pos];
        }

        private bool PeekKeyword(string keyword)
        {
            SkipSpace();
            return string.CompareOrdinal(text, _pos, keyword, 0, keyword.Length) == 0
                   && (_pos + keyword.Length == text.Length || char.IsWhiteSpace(text[_pos + keyword.Length]) || text[_pos + keyword.Length] == '(');
        }

        private bool TryKeyword(string keyword)
        {
            if (!PeekKeyword(keyword)) return false;
            _pos += keyword.Length;
            return true;
        }

        private void SkipSpace()
        {
            while (_pos < text.Length && char.IsWhiteSpace(text[_pos])) _pos++;
        }

        private ClayException Error(string problem, int? at = null) =>
            new(ErrorCodes.InvalidOplogQuery, $"invalid oplog query at column {(at ?? _pos) + 1}: {problem}");
    }
}
