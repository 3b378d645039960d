using System.Text.RegularExpressions;
using Clay.Runtime.Errors;

namespace Clay.Runtime;

/// <summary>The rules for component and worker names, checked wherever a name enters Clay.</summary>
public static partial class Names
{
    /// <summary>Longest accepted name.</summary>
    public const int MaxLength = 128;

    /// <summary>
    /// Throws <c>invalid-name</c> unless <paramref name="name"/> is a component name: kebab-case words,
    /// optionally a package and a name separated by one colon (<c>demo:cart0</c>).
    /// </summary>
    public static string ValidateComponent(string? name)
    {
        if (string.IsNullOrEmpty(name) || name.Length > MaxLength || !ComponentPattern().IsMatch(name))
        {
            throw new ClayException(ErrorCodes.InvalidName,
                $"invalid component name '{name}': use lowercase letters, digits and '-', optionally 'package:name' (for example demo:cart0)");
        }
        return name;
    }

    /// <summary>
    /// Throws <c>invalid-name</c> unless <paramref name="name"/> is a worker name: letters, digits,
    /// '-', '_' and '.', not starting with '.' or '-'.
    /// </summary>
    public static string ValidateWorker(string? name)
    {
        if (string.IsNullOrEmpty(name) || name.Length > MaxLength || !WorkerPattern().IsMatch(name))
        {
            throw new ClayException(ErrorCodes.InvalidName,
                $"invalid worker name '{name}': use letters, digits, '-', '_' and '.', starting with a letter, digit or '_' (at most {MaxLength} characters)");
        }
        return name;
    }

    /// <summary>Parses <c>component/worker</c>, validating both names.</summary>
    public static WorkerId ParseWorkerId(string text)
    {
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0)
        {
            throw new ClayException(ErrorCodes.InvalidName, $"invalid worker id '{text}': expected COMPONENT/WORKER (for example demo:cart0/test)");
        }
        return new WorkerId(ValidateComponent(text[..slash]), ValidateWorker(text[(slash + 1)..]));
    }

    [GeneratedRegex("^[a-z][a-z0-9]*(-[a-z0-9]+)*(:[a-z][a-z0-9]*(-[a-z0-9]+)*)?$", RegexOptions.CultureInvariant)]
    private static partial Regex ComponentPattern();

    [GeneratedRegex("^[A-Za-z0-9_][A-Za-z0-9_.-]*$", RegexOptions.CultureInvariant)]
    private static partial Regex WorkerPattern();
}
