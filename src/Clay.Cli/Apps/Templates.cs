using System.Reflection;
using System.Text.RegularExpressions;

namespace Clay.Cli.Apps;

/// <summary>A component template shipped inside <c>clay</c>.</summary>
/// <param name="Id">For example <c>csharp/example-shopping-cart</c>.</param>
/// <param name="Description">One line on what it is.</param>
public sealed record Template(string Id, string Description);

/// <summary>The component templates and the files a new application or component gets.</summary>
public static partial class Templates
{
    private const string Prefix = "templates/";

    /// <summary>Every template.</summary>
    public static IReadOnlyList<Template> All { get; } =
    [
        new("csharp/default", "A minimal worker: a running total with add and get."),
        new("csharp/example-shopping-cart", "The shopping cart: initialize-cart, add-item, remove-item, update-item-quantity, checkout, get-cart-contents."),
        new(TestProjects.TemplateId, "Unit tests of a component of the application with Clay.Testing, in tests/ (NAME: the component; dotnet test runs them)."),
    ];

    /// <summary>The languages applications can be created for.</summary>
    public static IReadOnlyList<string> Languages { get; } = ["csharp"];

    /// <summary>Finds a template by id (also accepting the part after the language).</summary>
    public static Template Find(string id)
    {
        var found = All.FirstOrDefault(t => t.Id == id) ?? All.FirstOrDefault(t => t.Id.EndsWith("/" + id, StringComparison.Ordinal));
        return found ?? throw new CliException("template-not-found",
            $"no template '{id}'; the templates are: {string.Join(", ", All.Select(t => t.Id))}", ExitCodes.NotFound);
    }

    /// <summary>Creates an application directory whose components build against the Clay.Sdk of <paramref name="feed"/>.</summary>
    public static string CreateApplication(string parent, string name, string language, SdkFeed feed)
    {
        if (!Languages.Contains(language))
            throw new CliException("invalid-language", $"unknown language '{language}'; Clay applications are written in: {string.Join(", ", Languages)}", ExitCodes.InvalidInput);
        if (!AppName().IsMatch(name))
            throw new CliException("invalid-name", $"'{name}' is not a valid application name: use letters, digits, '-' and '_'", ExitCodes.InvalidInput);
        var root = Path.Combine(parent, name);
        if (Directory.Exists(root) && Directory.EnumerateFileSystemEntries(root).Any())
            throw new CliException("already-exists", $"the directory {root} already exists and is not empty", ExitCodes.InvalidInput);
        var sdkVersion = feed.Publish();
        Directory.CreateDirectory(Path.Combine(root, "components"));
        new AppManifest { Root = root, Name = name }.Save();
        WriteBuildProps(root, sdkVersion);
        File.WriteAllText(Path.Combine(root, "nuget.config"), feed.NuGetConfig());
        File.WriteAllText(Path.Combine(root, ".gitignore"), "bin/\nobj/\n.clay/\n");
        File.WriteAllText(Path.Combine(root, "README.md"), $"""
            # {name}

            A Clay application. Its components live in `components/`, each an ordinary C# project whose
            `[ClayWorker]` class is the component's interface.

            ```
            clay component new csharp/example-shopping-cart demo:cart0   # add a component
            clay app build                                               # compile and package every component
            clay app deploy                                              # upload the changed ones to the server
            clay worker invoke demo:cart0/test get-cart-contents         # call a worker
            ```

            """);
        return root;
    }

    /// <summary>Adds a component project from a template.</summary>
    public static AppComponent CreateComponent(AppManifest app, Template template, string name)
    {
        if (!ComponentName().IsMatch(name))
            throw new CliException("invalid-name",
                $"'{name}' is not a valid component name: lower-case words joined by '-', optionally 'namespace:name' (for example demo:cart0)", ExitCodes.InvalidInput);
        if (app.Components.Any(c => c.Name == name))
            throw new CliException("already-exists", $"the application already has a component '{name}'", ExitCodes.InvalidInput);
        var component = new AppComponent(name, $"components/{name.Replace(':', '-')}", template.Id);
        var directory = Path.Combine(app.Root, component.Path);
        if (Directory.Exists(directory)) throw new CliException("already-exists", $"the directory {directory} already exists", ExitCodes.InvalidInput);
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, component.AssemblyName + ".csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <!-- The Clay component {name}. ClaySdkVersion comes from the application's Directory.Build.props. -->
              <PropertyGroup>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
                <AssemblyName>{component.AssemblyName}</AssemblyName>
                <Deterministic>true</Deterministic>
                <GenerateDocumentationFile>false</GenerateDocumentationFile>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="Clay.Sdk" Version="$(ClaySdkVersion)" />
              </ItemGroup>
            </Project>

            """);
        var prefix = Prefix + template.Id + "/";
        var assembly = typeof(Templates).Assembly;
        foreach (var resource in assembly.GetManifestResourceNames().Where(r => r.StartsWith(prefix, StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var file = File.Create(Path.Combine(directory, resource[prefix.Length..]));
            stream.CopyTo(file);
        }
        app.Components.Add(component);
        app.Save();
        return component;
    }

    /// <summary>
    /// Writes the application's Directory.Build.props (the Clay.Sdk version its components reference)
    /// and an empty Directory.Packages.props, so no build settings from directories above leak in.
    /// </summary>
    public static void WriteBuildProps(string root, string sdkVersion)
    {
        File.WriteAllText(Path.Combine(root, "Directory.Build.props"), $"""
            <Project>
              <!-- The Clay.Sdk package the components reference. 'clay app build' builds them against
                   the Clay.Sdk of the clay that runs it (the version its clay-server runs), whatever this says. -->
              <PropertyGroup>
                <ClaySdkVersion Condition="'$(ClaySdkVersion)' == ''">{sdkVersion}</ClaySdkVersion>
                <!-- Clay's packages come from a local feed, so the application builds and tests offline; the
                     vulnerability audit would ask nuget.org on every restore (and warn without it). Set it to
                     true where nuget.org is reachable. -->
                <NuGetAudit Condition="'$(NuGetAudit)' == ''">false</NuGetAudit>
              </PropertyGroup>
            </Project>

            """);
        File.WriteAllText(Path.Combine(root, "Directory.Packages.props"), """
            <Project>
              <PropertyGroup>
                <ManagePackageVersionsCentrally>false</ManagePackageVersionsCentrally>
              </PropertyGroup>
            </Project>

            """);
    }

    [GeneratedRegex("^[A-Za-z0-9_][A-Za-z0-9_-]*$")]
    private static partial Regex AppName();

    [GeneratedRegex("^[a-z][a-z0-9]*(-[a-z0-9]+)*(:[a-z][a-z0-9]*(-[a-z0-9]+)*)?$")]
    private static partial Regex ComponentName();

    /// <summary>A file of a template, or null.</summary>
    internal static Stream? OpenFile(string templateId, string file) =>
        typeof(Templates).Assembly.GetManifestResourceStream($"{Prefix}{templateId}/{file}");

    /// <summary>Kept so the assembly's resources are referenced for trimming.</summary>
    internal static Assembly ResourceAssembly => typeof(Templates).Assembly;
}
