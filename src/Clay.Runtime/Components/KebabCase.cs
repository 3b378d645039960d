using System.Text;

namespace Clay.Runtime.Components;

/// <summary>Clay's interface names: kebab-case words, derived from .NET PascalCase names.</summary>
public static class KebabCase
{
    /// <summary>
    /// <c>AddItem</c> → <c>add-item</c>, <c>HTTPServer</c> → <c>http-server</c>, <c>GetURL</c> → <c>get-url</c>,
    /// <c>Item2</c> → <c>item2</c>, <c>_userId</c> → <c>user-id</c>.
    /// </summary>
    public static string FromPascal(string name)
    {
        var builder = new StringBuilder(name.Length + 4);
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (c is '_' or '-' or ' ')
            {
                if (builder.Length > 0 && builder[^1] != '-') builder.Append('-');
                continue;
            }
            if (char.IsUpper(c))
            {
                var previousLower = i > 0 && (char.IsLower(name[i - 1]) || char.IsDigit(name[i - 1]));
                var acronymEnds = i > 0 && char.IsUpper(name[i - 1]) && i + 1 < name.Length && char.IsLower(name[i + 1]);
                if ((previousLower || acronymEnds) && builder.Length > 0 && builder[^1] != '-') builder.Append('-');
                builder.Append(char.ToLowerInvariant(c));
            }
            else
            {
                builder.Append(c);
            }
        }
        return builder.ToString().Trim('-');
    }

    /// <summary>True for a valid WIT label: words of lowercase letters and digits, each starting with a letter, joined by '-'.</summary>
    public static bool IsValid(string name)
    {
        if (string.IsNullOrEmpty(name)) return false;
        foreach (var word in name.Split('-'))
        {
            if (word.Length == 0 || !char.IsAsciiLetterLower(word[0])) return false;
            foreach (var c in word)
            {
                if (!char.IsAsciiLetterLower(c) && !char.IsAsciiDigit(c)) return false;
            }
        }
        return true;
    }
}
