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
