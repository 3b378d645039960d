using System.Diagnostics;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Clay.Cli.Apps;

/// <summary>A built component package.</summary>
/// <param name="Component">The component.</param>
/// <param name="Path">The package file (.zip).</param>
/// <param name="Hash">SHA-256 of the package, lower-case hex (what the server compares).</param>
/// <param name="Size">The package size in bytes.</param>
/// <param name="Exports">The exported functions' signatures.</param>
public sealed record BuiltPackage(AppComponent Component, string Path, string Hash, long Size, IReadOnlyList<string> Exports);

/// <summary>
/// <c>clay app build</c>: compiles every component of an application with <c>dotnet build</c> (one
/// parallel build), reads each component's interface from the model the source generator wrote
/// into its assembly (or, for an assembly built without it, loads it as the server would), and writes a package per component: the assemblies plus <c>clay-component.json</c> with the
/// entry assembly and the exported interface. Packages are byte-for-byte reproducible, so an
/// unchanged component is recognised and not uploaded again.
/// </summary>
public sealed class AppBuilder(AppManifest app, string server, SdkFeed feed, Action<string> progress)
{
    private static readonly DateTimeOffset FixedTime = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Where packages are written.</summary>
    public string PackageDirectory => Path.Combine(app.Root, ".clay", "packages");

    /// <summary>Builds and packages every component.</summary>
    public async Task<IReadOnlyList<BuiltPackage>> BuildAsync(CancellationToken ct)
    {
        if (app.Components.Count == 0)
            throw new CliException("no-components", $"the application {app.Name} has no components: add one with 'clay component new csharp/example-shopping-cart NAME'", ExitCodes.InvalidInput);
        var solution = WriteSolution();
        var sdkVersion = feed.Publish();
        progress($"Building {app.Components.Count} component{(app.Components.Count == 1 ? "" : "s")} ({app.Configuration})…");
        await CompileAsync(solution, sdkVersion, ct);
        var assemblies = app.Components.Select(OutputAssembly).ToList();
        progress("Checking component interfaces…");
        var described = await DescribeAsync(assemblies, ct);
        Directory.CreateDirectory(PackageDirectory);
        var packages = new List<BuiltPackage>();
        for (var i = 0; i < app.Components.Count; i++)
        {
            var component = app.Components[i];
            packages.Add(Package(component, assemblies[i], described[i]));
            progress($"Packaged {component.Name}");
        }
        return packages;
    }

    private string WriteSolution()
    {
        var directory = Path.Combine(app.Root, ".clay");
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, "components.slnx");
        var text = new StringBuilder("<Solution>\n");
        foreach (var component in app.Components)
        {
            var project = Path.Combine(app.Root, component.Path, component.AssemblyName + ".csproj");
            if (!File.Exists(project)) throw new CliException("build-failed", $"the project of {component.Name} is missing: {project}", ExitCodes.BuildFailed);
            text.Append("  <Project Path=\"").Append(Path.GetRelativePath(directory, project)).Append("\" />\n");
        }
        File.WriteAllText(path, text.Append("</Solution>\n").ToString());
        return path;
    }

    private async Task CompileAsync(string solution, string sdkVersion, CancellationToken ct)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = app.Root,
        };
        string[] arguments =
        [
            "build", solution, "-c", app.Configuration, "-nologo", "-v:q", "-clp:ErrorsOnly;NoSummary",
            // The Clay.Sdk this clay's server runs, whatever Directory.Build.props names.
            $"-p:ClaySdkVersion={sdkVersion}",
            // Only errors are shown, so a vulnerability audit would only cost a trip to nuget.org (and fail offline).
            "-p:NuGetAudit=false",
        ];
        foreach (var arg in arguments) start.ArgumentList.Add(arg);
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";
        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new CliException("build-failed", $"cannot run 'dotnet' to build the components: {ex.Message}; install the .NET SDK", ExitCodes.BuildFailed);
        }
        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync(ct);
            var stderr = process.StandardError.ReadToEndAsync(ct);
            await process.WaitForExitAsync(ct);
            if (process.ExitCode == 0) return;
            var output = (await stdout + "\n" + await stderr).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            var errors = output.Where(l => l.Contains(": error ", StringComparison.Ordinal)).Distinct().Select(Shorten).ToList();
            var detail = string.Join("\n", errors.Count > 0 ? errors : output.TakeLast(20));
            throw new CliException("build-failed", $"building the components failed ({errors.Count} error{(errors.Count == 1 ? "" : "s")})", ExitCodes.BuildFailed, detail);
        }
    }

    /// <summary>Drops the trailing "[project]" msbuild appends and makes paths relative to the application.</summary>
    private string Shorten(string line)
    {
        var bracket = line.LastIndexOf(" [", StringComparison.Ordinal);
        if (bracket > 0 && line.EndsWith(']')) line = line[..bracket];
        return line.Replace(app.Root + Path.DirectorySeparatorChar, "", StringComparison.Ordinal);
    }

    private string OutputAssembly(AppComponent component)
    {
        var bin = Path.Combine(app.Root, component.Path, "bin", app.Configuration);
        var found = Directory.Exists(bin)
            ? Directory.EnumerateFiles(bin, component.AssemblyName + ".dll", SearchOption.AllDirectories).OrderByDescending(File.GetLastWriteTimeUtc).FirstOrDefault()
            : null;
        return found ?? throw new CliException("build-failed", $"the build produced no {component.AssemblyName}.dll in {bin}", ExitCodes.BuildFailed);
    }

    /// <summary>
    /// Each assembly's interface: read from the model the source generator wrote when there is one,
    /// else from <c>clay-server describe</c>, which loads the assembly by reflection as the server will.
    /// </summary>
    private async Task<IReadOnlyList<JsonObject>> DescribeAsync(IReadOnlyList<string> assemblies, CancellationToken ct)
    {
        var results = new JsonObject?[assemblies.Count];
        var unread = new List<int>();
        for (var i = 0; i < assemblies.Count; i++)
        {
            results[i] = DescribeGenerated(assemblies[i]);
            if (results[i] is null) unread.Add(i);
        }
        if (unread.Count > 0)
        {
            var described = await DescribeByReflectionAsync([.. unread.Select(i => assemblies[i])], ct);
            for (var j = 0; j < unread.Count; j++) results[unread[j]] = described[j];
        }
        var failures = results
            .Select((r, i) => (Result: r!, Component: app.Components[i]))
            .Where(x => x.Result["error"] is not null)
            .Select(x => $"{x.Component.Name}: {x.Result["error"]!["message"]} [{x.Result["error"]!["code"]}]")
            .ToList();
        if (failures.Count > 0)
            throw new CliException("invalid-component", $"{failures.Count} component{(failures.Count == 1 ? " is" : "s are")} not valid", ExitCodes.BuildFailed, string.Join("\n", failures));
        return results!;
    }

    /// <summary>The description of an assembly with generated models, in the shape <c>clay-server describe</c> writes; null without one.</summary>
    private static JsonObject? DescribeGenerated(string assembly)
    {
        IReadOnlyList<GeneratedInterface> interfaces;
        try
        {
            interfaces = GeneratedInterfaceReader.Read(assembly);
        }
        catch (BadImageFormatException)
        {
            return null;
        }
        if (interfaces.Count == 0) return null;
        if (interfaces.Count > 1)
        {
            return new JsonObject
            {
                ["assembly"] = assembly,
                ["error"] = new JsonObject
                {
                    ["code"] = "invalid-component",
                    ["message"] = $"{Path.GetFileNameWithoutExtension(assembly)} has {interfaces.Count} worker classes; a component has exactly one",
                },
            };
        }
        var exports = interfaces[0].Signatures.Select(s => (JsonNode)new JsonArray(JsonValue.Create(s[..s.IndexOf('(', StringComparison.Ordinal)]), JsonValue.Create(s)));
        return new JsonObject { ["assembly"] = assembly, ["wit"] = interfaces[0].Wit, ["exports"] = new JsonArray([.. exports]) };
    }

    private async Task<IReadOnlyList<JsonObject>> DescribeByReflectionAsync(IReadOnlyList<string> assemblies, CancellationToken ct)
    {
        var start = new ProcessStartInfo(server) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("describe");
        foreach (var assembly in assemblies) start.ArgumentList.Add(assembly);
        using var process = Process.Start(start) ?? throw new CliException("build-failed", $"cannot run {server}", ExitCodes.BuildFailed);
        var stdout = process.StandardOutput.ReadToEndAsync(ct);
        var stderr = process.StandardError.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        var results = (await stdout).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => (JsonObject)JsonNode.Parse(l)!).ToList();
        if (results.Count != assemblies.Count)
            throw new CliException("build-failed", $"checking the components failed: {(await stderr).Trim()}", ExitCodes.BuildFailed);
        return results;
    }

    private BuiltPackage Package(AppComponent component, string assembly, JsonObject description)
    {
        var directory = Path.GetDirectoryName(assembly)!;
        var files = Directory.EnumerateFiles(directory, "*.dll")
            .Where(f => !Path.GetFileName(f).Equals("Clay.Sdk.dll", StringComparison.OrdinalIgnoreCase))
            .OrderBy(f => Path.GetFileName(f), StringComparer.Ordinal)
            .ToList();
        var exports = description["exports"]!.AsArray().Select(e => e![1]!.GetValue<string>()).ToList();
        var manifest = new JsonObject
        {
            ["name"] = component.Name,
            ["entryAssembly"] = Path.GetFileName(assembly),
            ["interface"] = description["wit"]!.GetValue<string>(),
            ["exports"] = new JsonArray(exports.Select(e => (JsonNode)JsonValue.Create(e)).ToArray()),
        };
        var path = Path.Combine(PackageDirectory, component.AssemblyName + ".zip");
        using (var buffer = new FileStream(path, FileMode.Create))
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create))
        {
            AddEntry(zip, "clay-component.json", Encoding.UTF8.GetBytes(manifest.ToJsonString(new JsonSerializerOptions { WriteIndented = true })));
            foreach (var file in files) AddEntry(zip, Path.GetFileName(file), File.ReadAllBytes(file));
        }
        var bytes = File.ReadAllBytes(path);
        return new BuiltPackage(component, path, Convert.ToHexStringLower(SHA256.HashData(bytes)), bytes.Length, exports);
    }

    private static void AddEntry(ZipArchive zip, string name, byte[] content)
    {
        var entry = zip.CreateEntry(name, CompressionLevel.Optimal);
        entry.LastWriteTime = FixedTime;
        using var stream = entry.Open();
        stream.Write(content);
    }
}
