using System.Text;

namespace Clay.Cli.Apps;

/// <summary>
/// The local NuGet feed applications restore Clay.Sdk (and Clay's other packages) from:
/// <c>~/.clay/packages</c>, filled from the packages shipped with clay. It stands where nuget.org
/// would, so an application builds offline; it keeps every version put there, so an application
/// still restores the version it names after clay is upgraded.
/// </summary>
public sealed class SdkFeed
{
    private const string SdkPackage = "Clay.Sdk";
    private readonly string _shipped;
    private readonly Lazy<IReadOnlyList<(string Id, string Version, string File)>> _packages;

    /// <summary>The feed filled from the packages in <paramref name="shippedDirectory"/> (the install's <c>packages/</c>).</summary>
    public SdkFeed(string shippedDirectory)
    {
        _shipped = shippedDirectory;
        _packages = new(() => Find(_shipped));
    }

    /// <summary>The feed's directory, <c>~/.clay/packages</c>.</summary>
    public static string Directory => Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".clay", "packages");

    /// <summary>The feed's directory as a nuget.config writes it: through the home variable, so the file suits every user.</summary>
    public static string ConfigValue => OperatingSystem.IsWindows() ? @"%USERPROFILE%\.clay\packages" : "%HOME%/.clay/packages";

    /// <summary>The ids of the packages shipped with clay (Clay.Sdk, Clay.Testing, …).</summary>
    public IEnumerable<string> PackageIds => _packages.Value.Select(p => p.Id).Distinct(StringComparer.OrdinalIgnoreCase);

    /// <summary>The version of Clay.Sdk shipped with clay: what components build against.</summary>
    public string SdkVersion => _packages.Value.FirstOrDefault(p => p.Id.Equals(SdkPackage, StringComparison.OrdinalIgnoreCase)).Version
        ?? throw new CliException("not-installed",
            $"this clay has no {SdkPackage} package in {_shipped}; reinstall clay (dotnet tool install -g Clay.Cli) or rebuild it with scripts/publish.sh",
            ExitCodes.Failed);

    /// <summary>Copies the shipped packages into the feed (those it lacks), and returns the Clay.Sdk version.</summary>
    public string Publish()
    {
        var version = SdkVersion;
        System.IO.Directory.CreateDirectory(Directory);
        foreach (var (_, _, file) in _packages.Value)
        {
            var target = Path.Combine(Directory, Path.GetFileName(file));
            if (File.Exists(target) && new FileInfo(target).Length == new FileInfo(file).Length) continue;
            // Copy then rename: a concurrent restore never reads half a package.
            var partial = target + ".partial";
            File.Copy(file, partial, overwrite: true);
            File.Move(partial, target, overwrite: true);
        }
        return version;
    }

    /// <summary>The application's nuget.config: Clay's packages from the feed, everything else from nuget.org.</summary>
    public string NuGetConfig()
    {
        var text = new StringBuilder("""
            <?xml version="1.0" encoding="utf-8"?>
            <!-- Where this application's packages come from: Clay's own from the local feed the clay
                 command keeps (it copies its packages there), everything else from nuget.org. -->
            <configuration>
              <packageSources>
                <clear />

            """);
        text.Append("    <add key=\"clay\" value=\"").Append(ConfigValue).Append("\" />\n");
        text.Append("""
                <add key="nuget.org" value="https://api.nuget.org/v3/index.json" protocolVersion="3" />
              </packageSources>
              <packageSourceMapping>
                <packageSource key="clay">

            """);
        foreach (var id in PackageIds.Order(StringComparer.Ordinal)) text.Append("      <package pattern=\"").Append(id).Append("\" />\n");
        text.Append("""
                </packageSource>
                <packageSource key="nuget.org">
                  <package pattern="*" />
                </packageSource>
              </packageSourceMapping>
            </configuration>

            """);
        return text.ToString();
    }

    /// <summary>The packages in <paramref name="directory"/>: <c>Id.Version.nupkg</c>, the version starting at the first all-digit part.</summary>
    private static List<(string Id, string Version, string File)> Find(string directory)
    {
        var found = new List<(string, string, string)>();
        if (!System.IO.Directory.Exists(directory)) return found;
        foreach (var file in System.IO.Directory.EnumerateFiles(directory, "*.nupkg"))
        {
            var parts = Path.GetFileNameWithoutExtension(file).Split('.');
            var at = Array.FindIndex(parts, p => p.Length > 0 && p.All(char.IsAsciiDigit));
            if (at <= 0) continue;
            found.Add((string.Join('.', parts[..at]), string.Join('.', parts[at..]), file));
        }
        return found;
    }
}
