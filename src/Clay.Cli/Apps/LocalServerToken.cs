using System.Net;
using System.Text.Json;

namespace Clay.Cli.Apps;

/// <summary>
/// Finds the access token of a Clay server on this machine, so that clay talks to a local server
/// with no set-up: a server notes in <c>~/.clay/servers/PORT.json</c> where its token file is
/// (both readable by the user only). Without a note, the default data directory's token is tried.
/// </summary>
public static class LocalServerToken
{
    /// <summary>The token of the server at <paramref name="server"/> when it is on loopback and this user can read its token; else null.</summary>
    public static string? Find(Uri server)
    {
        if (!IsLoopback(server)) return null;
        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile, Environment.SpecialFolderOption.DoNotVerify);
        var tokenFile = NotedTokenFile(Path.Combine(home, ".clay", "servers", $"{server.Port}.json"))
                        ?? Path.Combine(DefaultDataDirectory(home), "access-token");
        try
        {
            var token = File.ReadAllText(tokenFile).Trim();
            return token.Length > 0 ? token : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null; // not this user's server, or no token: the server says what it needs
        }
    }

    private static bool IsLoopback(Uri server) =>
        server.IsLoopback || (IPAddress.TryParse(server.Host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address));

    private static string? NotedTokenFile(string note)
    {
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(note));
            return document.RootElement.TryGetProperty("tokenFile", out var file) && file.ValueKind == JsonValueKind.String ? file.GetString() : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or JsonException)
        {
            return null;
        }
    }

    private static string DefaultDataDirectory(string home) =>
        Environment.GetEnvironmentVariable("CLAY_DATA_DIR") is { Length: > 0 } dir ? Path.GetFullPath(dir) : Path.Combine(home, ".clay", "data");
}
