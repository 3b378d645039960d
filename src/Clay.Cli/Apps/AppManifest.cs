namespace Clay.Cli.Apps;

/// <summary>
/// An application's <c>clay.yaml</c>: its name, build configuration and components. Clay writes
/// it, and reads it back with any hand edits that keep to this shape (<see cref="AppManifestYaml"/>):
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
            var path = Path.Combine(dir.FullName, FileName);
            if (File.Exists(path)) return Load(path);
        }
        throw new CliException("no-application", $"no {FileName} in {directory} or above: create an application with 'clay app new NAME csharp'", ExitCodes.InvalidInput);
    }

    /// <summary>Loads one file; a file that is not valid YAML or not in the shape above is <c>invalid-application</c>, with its line and column.</summary>
    public static AppManifest Load(string path)
    {
        var full = Path.GetFullPath(path);
        return AppManifestYaml.Read(File.ReadAllText(full), full, Path.GetDirectoryName(full)!);
    }

    /// <summary>Writes the file.</summary>
    public void Save() => File.WriteAllText(Path.Combine(Root, FileName), AppManifestYaml.Write(this));
}
