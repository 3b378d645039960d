using System.Diagnostics;
using System.Text.RegularExpressions;
using Clay.EndToEnd.Tests.Packaging;

namespace Clay.EndToEnd.Tests.Testing;

/// <summary>
/// <c>clay component new csharp/test COMPONENT</c> writes an xunit project that references Clay.Testing
/// by package; <c>dotnet test</c> builds it and runs its example tests, offline: Clay's packages come from
/// the feed clay keeps, the test framework from the machine's package folder, and any request for the
/// network goes to a proxy that refuses it.
/// </summary>
[Trait("Category", "EndToEnd")]
public sealed partial class TestTemplateTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "clay-e2e-test-template", Guid.NewGuid().ToString("N"));
    private readonly RefusingProxy _network = new();

    public void Dispose()
    {
        _network.Dispose();
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { }
    }

    [Theory]
    [InlineData("csharp/example-shopping-cart", "demo:cart", 3)]
    [InlineData("csharp/default", "demo:counter", 1)]
    public async Task The_test_project_of_a_component_builds_and_its_example_tests_pass_offline(string template, string component, int tests)
    {
        ClayInstallation.EnsurePublished();
        var home = Path.Combine(_root, "home");
        // No server is needed to create an application and its tests.
        var clay = new ClayCli("http://127.0.0.1:9", home);
        await clay.OkAsync(Directory.CreateDirectory(_root).FullName, "app", "new", "shop", "csharp");
        var app = Path.Combine(_root, "shop");
        await clay.OkAsync(app, "component", "new", template, component);

        var created = await clay.OkAsync(app, "component", "new", "csharp/test", component);

        var project = $"tests/{component.Replace(':', '-')}-tests";
        Assert.Contains(project, created, StringComparison.Ordinal);
        Assert.Contains("<PackageReference Include=\"Clay.Testing\" Version=\"$(ClaySdkVersion)\" />",
            await File.ReadAllTextAsync(Path.Combine(app, project, $"{component.Replace(':', '-')}-tests.csproj")), StringComparison.Ordinal);
        var (exit, output) = await DotnetTestAsync(Path.Combine(app, project), home);
        Assert.True(exit == 0, output);
        Assert.Matches(PassedLine(tests), output);
        Assert.True(_network.Requests.Count == 0, "the build went to the network: " + string.Join("; ", _network.Requests));
    }

    [Fact]
    public async Task Tests_of_a_component_the_application_does_not_have_are_refused_naming_its_components()
    {
        ClayInstallation.EnsurePublished();
        var clay = new ClayCli("http://127.0.0.1:9", Path.Combine(_root, "home"));
        await clay.OkAsync(Directory.CreateDirectory(_root).FullName, "app", "new", "shop", "csharp");
        var app = Path.Combine(_root, "shop");
        await clay.OkAsync(app, "component", "new", "csharp/default", "demo:counter");

        var refused = await clay.RunAsync(app, "component", "new", "csharp/test", "demo:cart");

        Assert.Equal(3, refused.ExitCode);
        Assert.Contains("no component 'demo:cart' to test; its components are: demo:counter", refused.StdErr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(app, "tests")));
    }

    private static Regex PassedLine(int tests) => new($@"Passed!\s+-\s+Failed:\s+0,\s+Passed:\s+{tests},");

    /// <summary>Runs <c>dotnet test</c> as the application's user would, with the network refused.</summary>
    private async Task<(int ExitCode, string Output)> DotnetTestAsync(string directory, string home)
    {
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { "test", "-c", "Release", "-nologo" }) start.ArgumentList.Add(arg);
        // The application's nuget.config names the feed clay filled under this home.
        start.Environment["HOME"] = home;
        start.Environment["DOTNET_CLI_HOME"] = home;
        // xunit and the test SDK are found where this machine keeps packages; Clay's come from the feed.
        start.Environment["NUGET_PACKAGES"] = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        foreach (var proxy in new[] { "HTTPS_PROXY", "HTTP_PROXY", "https_proxy", "http_proxy", "ALL_PROXY", "all_proxy" }) start.Environment[proxy] = _network.Url;
        start.Environment["NO_PROXY"] = start.Environment["no_proxy"] = "";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        start.Environment["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0";
        start.Environment["UseSharedCompilation"] = "false";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        try
        {
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(10));
        }
        catch (TimeoutException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
        return (process.ExitCode, await stdout + await stderr);
    }
}
