using System.CommandLine;
using System.Text.Json.Nodes;
using Clay.Cli.Apps;
using Clay.Cli.Output;
using Clay.Client;
using Clay.Client.Contracts;

namespace Clay.Cli.Commands;

/// <summary><c>clay app new|build|deploy|clean</c>.</summary>
public static class AppCommands
{
    /// <summary>The <c>app</c> command tree.</summary>
    public static Command Create()
    {
        var command = new Command("app", "Create, build and deploy an application of components");

        var name = new Argument<string>("name") { Description = "The application (and directory) name" };
        var language = new Argument<string>("language") { Description = "The language: csharp" };
        var create = new Command("new", "Create an application directory with clay.yaml") { name, language };
        create.SetAction(result =>
        {
            var root = Templates.CreateApplication(Environment.CurrentDirectory, result.GetValue(name)!, result.GetValue(language)!, new SdkFeed(Install.Packages));
            GlobalOptions.Output(result).Write(new JsonObject { ["name"] = result.GetValue(name), ["path"] = root }, o =>
            {
                o.WriteLine($"Created application {result.GetValue(name)} in {root}.");
                o.WriteLine($"Next: cd {result.GetValue(name)} && clay component new csharp/example-shopping-cart demo:cart0");
            });
            return 0;
        });
        command.Add(create);

        var build = new Command("build", "Compile and package every component of the application");
        build.SetAction(async (result, ct) =>
        {
            var packages = await BuildAsync(ct);
            GlobalOptions.Output(result).Write(PackagesJson(packages), o =>
            {
                foreach (var p in packages) o.WriteLine($"Built {p.Component.Name}: {Show.Bytes(p.Size)}, {p.Exports.Count} exported functions");
            });
            return 0;
        });
        command.Add(build);

        var deploy = new Command("deploy", "Build, then upload each changed component as a new version");
        var updateWorkers = new Option<string?>("--update-workers")
        {
            Description = "Then update every worker of each changed component to its new version: auto (replay) or manual (snapshot)",
        };
        updateWorkers.AcceptOnlyFromAmong("auto", "manual");
        deploy.Add(updateWorkers);
        deploy.SetAction(async (result, ct) =>
        {
            var updateMode = result.GetValue(updateWorkers);
            var (updatedCount, failedCount) = (0, 0);
            var packages = await BuildAsync(ct);
            using var client = GlobalOptions.Client(result);
            var deployed = new JsonArray();
            var lines = new List<string>();
            foreach (var package in packages)
            {
                var current = await LatestAsync(client, package.Component.Name, ct);
                ComponentDto component;
                bool unchanged;
                if (current is not null && current.Hash == package.Hash)
                {
                    component = current;
                    unchanged = true;
                }
                else
                {
                    Progress($"Uploading {package.Component.Name}…");
                    await using var file = File.OpenRead(package.Path);
                    component = await client.UploadComponentAsync(package.Component.Name, file, ct);
                    unchanged = component.Unchanged;
                }
                deployed.Add((JsonNode)new JsonObject
                {
                    ["name"] = package.Component.Name,
                    ["version"] = component.Version,
                    ["size"] = component.Size,
                    ["unchanged"] = unchanged,
                });
                lines.Add(unchanged
                    ? $"{package.Component.Name} is unchanged (version {Show.Number(component.Version)})"
                    : $"Deployed {package.Component.Name} version {Show.Number(component.Version)}, {Show.Bytes(component.Size)}");
                if (updateMode is not null && !unchanged)
                {
                    Progress($"Updating the workers of {package.Component.Name} to version {Show.Number(component.Version)} ({updateMode})…");
                    var (updated, failed, failures) = await UpdateWorkersAsync(client, package.Component.Name, component.Version, updateMode, ct);
                    updatedCount += updated;
                    failedCount += failed;
                    lines.Add($"Workers of {package.Component.Name} updated to version {Show.Number(component.Version)}: updated {Show.Number(updated)}, failed {Show.Number(failed)}");
                    lines.AddRange(failures.Take(10).Select(f => $"  {f}"));
                    if (failures.Count > 10) lines.Add($"  … and {Show.Number(failures.Count - 10)} more");
                }
            }
            var output = new JsonObject { ["components"] = deployed };
            if (updateMode is not null) output["workers"] = new JsonObject { ["mode"] = updateMode, ["updated"] = updatedCount, ["failed"] = failedCount };
            GlobalOptions.Output(result).Write(output, o => lines.ForEach(o.WriteLine));
            return failedCount > 0 ? ExitCodes.Failed : 0;
        });
        command.Add(deploy);

        var clean = new Command("clean", "Remove build outputs and packages");
        clean.SetAction(result =>
        {
            var app = AppManifest.Find(Environment.CurrentDirectory);
            var removed = new List<string>();
            foreach (var dir in app.Components.SelectMany(c => new[] { Path.Combine(app.Root, c.Path, "bin"), Path.Combine(app.Root, c.Path, "obj") })
                         .Append(Path.Combine(app.Root, ".clay")))
            {
                if (!Directory.Exists(dir)) continue;
                Directory.Delete(dir, recursive: true);
                removed.Add(Path.GetRelativePath(app.Root, dir));
            }
            GlobalOptions.Output(result).Write(new JsonObject { ["removed"] = new JsonArray(removed.Select(r => (JsonNode)JsonValue.Create(r)).ToArray()) },
                o => o.WriteLine(removed.Count == 0 ? "Nothing to clean." : $"Removed {string.Join(", ", removed)}."));
            return 0;
        });
        command.Add(clean);
        return command;
    }

    private static async Task<IReadOnlyList<BuiltPackage>> BuildAsync(CancellationToken ct)
    {
        var app = AppManifest.Find(Environment.CurrentDirectory);
        return await new AppBuilder(app, Install.Server, new SdkFeed(Install.Packages), Progress).BuildAsync(ct);
    }

    private static async Task<ComponentDto?> LatestAsync(ClayClient client, string name, CancellationToken ct)
    {
        try
        {
            return await client.GetComponentAsync(name, cancellationToken: ct);
        }
        catch (ClayApiException ex) when (ex.Code == "component-not-found")
        {
            return null;
        }
    }

    private static JsonNode PackagesJson(IReadOnlyList<BuiltPackage> packages) => new JsonObject
    {
        ["packages"] = new JsonArray(packages.Select(p => (JsonNode)new JsonObject
        {
            ["name"] = p.Component.Name,
            ["path"] = p.Path,
            ["hash"] = p.Hash,
            ["size"] = p.Size,
            ["exports"] = new JsonArray(p.Exports.Select(e => (JsonNode)JsonValue.Create(e)).ToArray()),
        }).ToArray()),
    };

    /// <summary>Progress goes to stderr so stdout stays the command's result.</summary>
    private static void Progress(string message) => CliConsole.Error.WriteLine(message);

    /// <summary>
    /// Updates every worker of <paramref name="component"/> not on <paramref name="version"/>, a few at a time;
    /// each failure is recorded by the server in the worker's oplog and leaves it on its version.
    /// </summary>
    private static async Task<(int Updated, int Failed, List<string> Failures)> UpdateWorkersAsync(ClayClient client, string component, long version,
        string mode, CancellationToken ct)
    {
        var names = new List<string>();
        string? cursor = null;
        do
        {
            var page = await client.ListWorkersAsync(component, null, 1000, cursor, ct);
            names.AddRange(page.Workers.Where(w => w.ComponentVersion != version).Select(w => w.WorkerName));
            cursor = page.Cursor;
        }
        while (cursor is not null);
        var (updated, failed) = (0, 0);
        var failures = new List<string>();
        await Parallel.ForEachAsync(names, new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = ct }, async (name, token) =>
        {
            try
            {
                await client.UpdateWorkerAsync(component, name, version, mode, token);
                Interlocked.Increment(ref updated);
            }
            catch (ClayApiException ex) when (ex.Code == "update-same-version")
            {
                // Listed with the version it was created on, it already runs the new one.
                Interlocked.Increment(ref updated);
            }
            catch (ClayApiException ex)
            {
                Interlocked.Increment(ref failed);
                lock (failures) failures.Add($"{component}/{name}: [{ex.Code}] {ex.Message}");
            }
        });
        return (updated, failed, failures);
    }
}
