using System.Diagnostics;
using Clay.Cli.Apps;
using Clay.Sdk;

namespace Clay.Sdk.Analyzers.Tests;

/// <summary>
/// A component made from a template, exactly as <c>clay component new</c> writes it, builds with the
/// generator and analyzer on: clean as shipped, and failing once it reads the machine's clock.
/// Offline: the project restores Clay.Sdk (with its generator and analyzer) from the packages that
/// scripts/publish.sh installs beside clay in artifacts/bin/packages.
/// </summary>
public sealed class TemplateBuildTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "clay-template-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }

    [Theory]
    [InlineData("csharp/default")]
    [InlineData("csharp/example-shopping-cart")]
    public async Task A_template_builds_without_warnings(string template)
    {
        var (project, _) = Create(template);

        var (exitCode, output) = await BuildAsync(project);

        Assert.True(exitCode == 0, output);
        Assert.Contains("0 Warning(s)", output);
        var assembly = Directory.GetFiles(Path.Combine(Path.GetDirectoryName(project)!, "bin"), "demo-sample.dll", SearchOption.AllDirectories).Single();
        var described = Assert.Single(GeneratedInterfaceReader.Read(assembly));
        Assert.StartsWith(template.EndsWith("default", StringComparison.Ordinal) ? "interface worker {" : "interface shopping-cart {", described.Wit);
        Assert.Contains(template.EndsWith("default", StringComparison.Ordinal) ? "add(value: u64) -> u64" : "add-item(item: product-item)", described.Signatures);
    }

    [Fact]
    public void An_assembly_built_without_the_generator_has_no_generated_interface() =>
        Assert.Empty(GeneratedInterfaceReader.Read(typeof(WorkerContext).Assembly.Location));

    [Fact]
    public async Task A_template_reading_the_machines_clock_fails_its_build_with_CLAY001()
    {
        var (project, directory) = Create("csharp/default");
        var worker = Path.Combine(directory, "Worker.cs");
        var source = File.ReadAllText(worker);
        File.WriteAllText(worker, source.Replace("_total += value;", "_total += value + (ulong)DateTime.Now.Second;", StringComparison.Ordinal));

        var (exitCode, output) = await BuildAsync(project);

        Assert.NotEqual(0, exitCode);
        Assert.Matches(@"Worker\.cs\(\d+,\d+\): error CLAY001: 'DateTime\.Now' reads the machine's clock", output);
    }

    private (string Project, string Directory) Create(string template)
    {
        var root = Templates.CreateApplication(_root, "app", "csharp", new SdkFeed(ShippedPackages()));
        var app = AppManifest.Load(Path.Combine(root, AppManifest.FileName));
        var component = Templates.CreateComponent(app, Templates.Find(template), "demo:sample");
        var directory = Path.Combine(root, component.Path);
        return (Path.Combine(directory, component.AssemblyName + ".csproj"), directory);
    }

    /// <summary>The packages the checkout's clay ships: artifacts/bin/packages, written by scripts/publish.sh.</summary>
    private static string ShippedPackages()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Clay.slnx"))) directory = directory.Parent;
        var packages = Path.Combine(directory?.FullName ?? throw new InvalidOperationException("the checkout holding these tests was not found"), "artifacts", "bin", "packages");
        return Directory.Exists(packages) ? packages : throw new InvalidOperationException($"{packages} does not exist: run scripts/publish.sh first");
    }

    private static async Task<(int ExitCode, string Output)> BuildAsync(string project)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { "build", project, "-c", "Release", "-nologo", "-p:EmitCompilerGeneratedFiles=true", "-p:CompilerGeneratedFilesOutputPath=obj/generated" })
        {
            start.ArgumentList.Add(arg);
        }
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout + await stderr);
    }
}
