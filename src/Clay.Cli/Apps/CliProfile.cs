using System.Text.Json;
using Clay.Cli.Output;

namespace Clay.Cli.Apps;

/// <summary>
/// The user's settings in <c>~/.clay/profile.json</c>. The server address is taken from
/// <c>--server</c>, else <c>CLAY_SERVER</c>, else the profile, else <c>http://127.0.0.1:9881</c>.
/// </summary>
public sealed class CliProfile
{
    /// <summary>The default server address.</summary>
    public const string DefaultServer = "http://127.0.0.1:9881";

    /// <summary>The server address, when set.</summary>
    public string? Server { get; set; }

    /// <summary>The access token sent to the server, when set (<c>CLAY_TOKEN</c> wins).</summary>
    public string? Token { get; set; }

    /// <summary>The default output format, when set (text, json, yaml).</summary>
    public string? Format { get; set; }

    /// <summary>The profile file.</summary>
    public static string FilePath =>
        Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile, Environment.SpecialFolderOption.DoNotVerify), ".clay", "profile.json");

    /// <summary>Loads the profile, empty when there is none.</summary>
    public static CliProfile Load()
    {
        var path = FilePath;
        if (!File.Exists(path)) return new CliProfile();
        try
        {
            return JsonSerializer.Deserialize(File.ReadAllText(path), CliJson.Default.CliProfile) ?? new CliProfile();
        }
        catch (JsonException ex)
        {
            throw new CliException("invalid-profile", $"the profile {path} is not valid JSON: {ex.Message}", ExitCodes.InvalidInput);
        }
    }

    /// <summary>Saves the profile, readable by its owner only (it may hold a token).</summary>
    public void Save()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(FilePath)!);
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using var stream = new FileStream(FilePath, options);
        JsonSerializer.Serialize(stream, this, CliJson.Default.CliProfile);
    }
}
