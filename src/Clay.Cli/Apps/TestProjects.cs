namespace Clay.Cli.Apps;

/// <summary>
/// The <c>csharp/test</c> template: an xunit project under <c>tests/</c> that tests one component of
/// the application with Clay.Testing — in process, on the real executor, without a server. It is no
/// component itself: <c>clay app build</c> and <c>deploy</c> leave it alone; <c>dotnet test</c> runs it.
/// </summary>
public static class TestProjects
{
    /// <summary>The template's id.</summary>
    public const string TemplateId = "csharp/test";

    /// <summary>Package versions the test project pins: those Clay's own tests run on.</summary>
    private const string TestSdkVersion = "18.0.1";
    private const string XunitVersion = "2.9.3";
    private const string XunitRunnerVersion = "3.1.5";

    /// <summary>
    /// Creates <c>tests/NAME-tests</c> for the application's component <paramref name="component"/>, with an
    /// example test of the template the component was made from, and returns its directory relative to the root.
    /// </summary>
    /// <exception cref="CliException"><c>component-not-found</c> or <c>already-exists</c>.</exception>
    public static string Create(AppManifest app, string component, Func<string, string, Stream?> templateFile)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(templateFile);
        var tested = app.Components.FirstOrDefault(c => c.Name == component)
            ?? throw new CliException("component-not-found",
                $"the application has no component '{component}' to test; its components are: {(app.Components.Count == 0 ? "none yet" : string.Join(", ", app.Components.Select(c => c.Name)))}",
                ExitCodes.NotFound);
        var relative = $"tests/{tested.AssemblyName}-tests";
        var directory = Path.Combine(app.Root, relative);
        if (Directory.Exists(directory)) throw new CliException("already-exists", $"the directory {directory} already exists", ExitCodes.InvalidInput);
        Directory.CreateDirectory(directory);
        var projectName = $"{tested.AssemblyName}-tests";
        var componentProject = Path.GetRelativePath(directory, Path.Combine(app.Root, tested.Path, tested.AssemblyName + ".csproj")).Replace('\\', '/');
        File.WriteAllText(Path.Combine(directory, projectName + ".csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <!-- Tests of the Clay component {tested.Name}, run in process by Clay.Testing: 'dotnet test'.
                   ClaySdkVersion comes from the application's Directory.Build.props. -->
              <PropertyGroup>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
                <IsPackable>false</IsPackable>
                <IsTestProject>true</IsTestProject>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="Clay.Testing" Version="$(ClaySdkVersion)" />
                <PackageReference Include="Microsoft.NET.Test.Sdk" Version="{TestSdkVersion}" />
                <PackageReference Include="xunit" Version="{XunitVersion}" />
                <PackageReference Include="xunit.runner.visualstudio" Version="{XunitRunnerVersion}" />
              </ItemGroup>
              <ItemGroup>
                <ProjectReference Include="{componentProject}" />
              </ItemGroup>
            </Project>

            """);
        // The example fits the template the component came from; another template's component gets the default's.
        var example = tested.Template.EndsWith("/example-shopping-cart", StringComparison.Ordinal) ? "example-shopping-cart" : "default";
        var file = example == "default" ? "WorkerTests.cs" : "ShoppingCartTests.cs";
        using (var source = templateFile($"{TemplateId}/{example}", file)
            ?? throw new CliException("template-not-found", $"this clay lacks the {TemplateId} template's {file}", ExitCodes.Failed))
        using (var target = File.Create(Path.Combine(directory, file)))
        {
            source.CopyTo(target);
        }
        return relative;
    }
}
