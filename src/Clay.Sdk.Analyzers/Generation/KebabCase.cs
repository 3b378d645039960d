using System.Text;

namespace Clay.Sdk.Analyzers.Generation;

/// <summary>
/// Clay's interface names: <c>AddItem</c> → <c>add-item</c>, <c>HTTPServer</c> → <c>http-server</c>,
/// <c>_userId</c> → <c>user-id</c>. The same rule as the runtime's, which reads a model by reflection.
/// </summary>
internal static class KebabCase
{
    public static string FromPascal(string name)
    {
        var builder = new StringBuilder(name.Length + 4);
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (c is '_' or '-' or ' ')
            {
                if (builder.Length > 0 && builder[builder.Length - 1] != '-') builder.Append('-');
                continue;
            }
            if (char.IsUpper(c))
            {
                var previousLower = i > 0 && (char.IsLower(name[i - 1]) || char.IsDigit(name[i - 1]));
                var acronymEnds = i > 0 && char.IsUpper(name[i - 1]) && i + 1 < name.Length && char.IsLower(name[i + 1]);
                if ((previousLower || acronymEnds) && builder.Length > 0 && builder[builder.Length - 1] != '-') builder.Append('-');
                builder.Append(char.ToLowerInvariant(c));
            }
            else
            {
                builder.Append(c);
            }
        }
        return builder.ToString().Trim('-');
    }
}
