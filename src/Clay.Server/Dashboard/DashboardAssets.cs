using System.Collections.Frozen;
using System.Security.Cryptography;

namespace Clay.Server.Dashboard;

/// <summary>One file of the dashboard.</summary>
/// <param name="Content">Its bytes.</param>
/// <param name="ContentType">Its media type.</param>
/// <param name="ETag">A strong validator derived from the content.</param>
public sealed record DashboardAsset(byte[] Content, string ContentType, string ETag);

/// <summary>
/// The dashboard's files, embedded in the server's assembly at build time (resources named
/// <c>dashboard/PATH</c>, from <c>scripts/build-dashboard.sh</c>): nothing is read from disk or
/// from the network when they are served.
/// </summary>
public sealed class DashboardAssets
{
    private const string Prefix = "dashboard/";
    private readonly FrozenDictionary<string, DashboardAsset> _files;

    private DashboardAssets(FrozenDictionary<string, DashboardAsset> files) => _files = files;

    /// <summary>True when the server was built with its dashboard.</summary>
    public bool IsBuilt => _files.ContainsKey("index.html");

    /// <summary>The file at <paramref name="path"/> (relative to <c>/ui/</c>), or null.</summary>
    public DashboardAsset? Find(string path) => _files.GetValueOrDefault(path);

    /// <summary>Loads the files embedded in the server's assembly.</summary>
    public static DashboardAssets Load()
    {
        var assembly = typeof(DashboardAssets).Assembly;
        var files = new Dictionary<string, DashboardAsset>(StringComparer.Ordinal);
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.StartsWith(Prefix, StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(name)!;
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            var content = copy.ToArray();
            var etag = "\"" + Convert.ToHexStringLower(SHA256.HashData(content).AsSpan(0, 12)) + "\"";
            files[name[Prefix.Length..]] = new DashboardAsset(content, ContentTypeOf(name), etag);
        }
        return new DashboardAssets(files.ToFrozenDictionary(StringComparer.Ordinal));
    }

    private static string ContentTypeOf(string name) => Path.GetExtension(name) switch
    {
        ".html" => "text/html; charset=utf-8",
        ".js" => "text/javascript; charset=utf-8",
        ".css" => "text/css; charset=utf-8",
        ".svg" => "image/svg+xml",
        ".png" => "image/png",
        ".json" => "application/json",
        _ => "application/octet-stream",
    };
}
