using System.Text;

namespace Clay.Cli.Apps;

/// <summary>A component of an application.</summary>
/// <param name="Name">Its name, for example <c>demo:cart0</c>.</param>
/// <param name="Path">Its project directory, relative to the application root.</param>
/// <param name="Template">The template it was created from.</param>
public sealed record AppComponent(string Name, string Path, string Template)
{
    /// <summary>The assembly (and project) name: the component name with ':' as '-'.</summary>
    public string AssemblyName => Name.Replace(':', '-');
}

/// <summary>
/// An application's <c>clay.yaml</c>: its name, build configuration and components. Clay writes
/// it; hand edits are kept as long as they stay in this shape:
/// <code>
/// name: shop
/// build:
///   configuration: Release
/// components:
///   - name: demo:cart0
///     path: components/demo-cart0
///     template: csharp/example-shopping-cart
/// </code>
/// </summary>
public sealed class AppManifest
{
    /// <summary>The file name.</summary>
    public const string FileName = "clay.yaml";

    /// <summary>The application's root directory.</summary>
    public required string Root { get; init; }

    /// <summary>The application's name.</summary>
    public required string Name { get; init; }

    /// <summary>The build configuration, Release unless set.</summary>
    public string Configuration { get; init; } = "Release";

    /// <summary>The components, in the order they were added.</summary>
    public List<AppComponent> Components { get; } = [];

    /// <summary>Finds the <c>clay.yaml</c> in <paramref name="directory"/> or above and loads it.</summary>
    public static AppManifest Find(string directory)
    {
        for (var dir = new DirectoryInfo(directory); dir is not null; dir = dir.Parent)
        {
            var path = System.IO.Path.Combine(dir.FullName, FileName);
            if (File.Exists(path)) return Load(path);
        }
        throw new CliException("no-application", $"no {FileName} in {directory} or above: create an application with 'clay app new NAME csharp'", ExitCodes.InvalidInput);
    }

    /// <summary>Loads one file.</summary>
    public static AppManifest Load(string path)
    {
        string? name = null;
        var configuration = "Release";
        var components = new List<Dictionary<string, string>>();
        var section = "";
        var lineNumber = 0;
        foreach (var raw in File.ReadAllLines(path))
        {
            lineNumber++;
            var line = raw.Split('#')[0].TrimEnd();
            if (line.Trim().Length == 0) continue;
            var indent = line.Length - line.TrimStart().Length;
            var text = line.Trim();
            if (indent == 0)
            {
                var (key, value) = Pair(text, path, lineNumber);
                section = key;
                if (key == "name") name = value;
                continue;
            }
            if (section == "build")
            {
                var (key, value) = Pair(text, path, lineNumber);
                if (key == "configuration") configuration = value;
            }
            else if (section == "components")
            {
                if (text.StartsWith("- ", StringComparison.Ordinal))
                {
                    components.Add(new Dictionary<string, string>(StringComparer.Ordinal));
                    text = text[2..].Trim();
                }
                if (components.Count == 0) throw Invalid(path, lineNumber, "expected '- name: …' under components");
                var (key, value) = Pair(text, path, lineNumber);
                components[^1][key] = value;
            }
        }
        var manifest = new AppManifest
        {
            Root = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!,
            Name = name ?? throw Invalid(path, 1, "missing 'name:'"),
            Configuration = configuration,
        };
        foreach (var c in components)
        {
            if (!c.TryGetValue("name", out var componentName) || !c.TryGetValue("path", out var componentPath))
                throw Invalid(path, lineNumber, "every component needs 'name:' and 'path:'");
            manifest.Components.Add(new AppComponent(componentName, componentPath, c.GetValueOrDefault("template", "csharp/default")));
        }
        return manifest;
    }

    /// <summary>Writes the file.</summary>
    public void Save()
    {
        var text = new StringBuilder();
        text.Append("# A Clay application: its components and how they are built (see 'clay app --help').\n");
        text.Append("name: ").Append(Name).Append('\n');
        text.Append("build:\n  configuration: ").Append(Configuration).Append('\n');
        text.Append("components:").Append(Components.Count == 0 ? " []\n" : "\n");
        foreach (var c in Components)
        {
            text.Append("  - name: ").Append(c.Name).Append('\n');
            text.Append("    path: ").Append(c.Path).Append('\n');
            text.Append("    template: ").Append(c.Template).Append('\n');
        }
        File.WriteAllText(System.IO.Path.Combine(Root, FileName), text.ToString());
    }

    private static (string Key, string Value) Pair(string text, string path, int line)
    {
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0) throw Invalid(path, line, $"expected 'key: value', found '{text}'");
        var value = text[(colon + 1)..].Trim();
        if (value == "[]") value = "";
        return (text[..colon].Trim(), value.Trim('"', '\''));
    }

    private static CliException Invalid(string path, int line, string problem) =>
        new("invalid-application", $"{path}:{line}: {problem}", ExitCodes.InvalidInput);
}
