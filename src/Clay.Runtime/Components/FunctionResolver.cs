using Clay.Runtime.Errors;

namespace Clay.Runtime.Components;

/// <summary>
/// Finds the exported function a user meant, as Golem's CLI does: the exact name (also inside a
/// full name such as <c>demo:cart/api.{add-item}</c>), then a unique substring, then a unique close
/// spelling. Otherwise the error lists the candidates and the available functions.
/// </summary>
public static class FunctionResolver
{
    /// <summary>Resolves <paramref name="requested"/> among <paramref name="model"/>'s functions.</summary>
    /// <exception cref="Execution.FunctionNotFoundException"><c>function-not-found</c>.</exception>
    public static ExportedFunction Resolve(string component, ComponentModel model, string requested)
    {
        var name = ShortName(requested.Trim());
        var exact = model.FindFunction(name);
        if (exact is not null) return exact;

        var containing = model.Functions.Where(f => f.Name.Contains(name, StringComparison.OrdinalIgnoreCase)).ToList();
        if (containing.Count == 1) return containing[0];

        var close = model.Functions.Where(f => Distance(f.Name, name.ToLowerInvariant()) <= 2).ToList();
        if (containing.Count == 0 && close.Count == 1) return close[0];

        var candidates = containing.Count > 1 ? containing : close;
        var available = string.Join(", ", model.Functions.Select(f => f.Signature));
        var hint = candidates.Count > 1
            ? $"'{requested}' is ambiguous: did you mean {string.Join(" or ", candidates.Select(c => c.Name))}?"
            : $"component {component} exports no function '{requested}'.";
        throw new Execution.FunctionNotFoundException(requested, $"{hint} Available functions: {available}");
    }

    private static string ShortName(string requested)
    {
        var open = requested.LastIndexOf('{');
        if (open >= 0 && requested.EndsWith('}')) return requested[(open + 1)..^1];
        var cut = Math.Max(requested.LastIndexOf('.'), requested.LastIndexOf('/'));
        return cut >= 0 ? requested[(cut + 1)..] : requested;
    }

    private static int Distance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++) previous[j] = j;
        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }
            (previous, current) = (current, previous);
        }
        return previous[b.Length];
    }
}
