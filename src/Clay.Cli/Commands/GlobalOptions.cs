using System.CommandLine;
using Clay.Cli.Apps;
using Clay.Cli.Output;
using Clay.Client;

namespace Clay.Cli.Commands;

/// <summary>The options every command takes, and what they resolve to.</summary>
public static class GlobalOptions
{
    /// <summary><c>--format text|json|yaml</c>.</summary>
    public static readonly Option<string?> Format = new("--format", "-F")
    {
        Description = "Output format: text, json or yaml",
        Recursive = true,
        HelpName = "text|json|yaml",
    };

    /// <summary><c>--server URL</c>.</summary>
    public static readonly Option<string?> Server = new("--server")
    {
        Description = $"The Clay server (default: $CLAY_SERVER, the profile, or {CliProfile.DefaultServer})",
        Recursive = true,
        HelpName = "URL",
    };

    static GlobalOptions()
    {
        Format.AcceptOnlyFromAmong("text", "json", "yaml");
    }

    /// <summary>The output writer for the chosen format.</summary>
    public static OutputWriter Output(ParseResult result)
    {
        var format = result.GetValue(Format) ?? Environment.GetEnvironmentVariable("CLAY_FORMAT") ?? LazyProfile().Format ?? "text";
        return new OutputWriter(format switch
        {
            "json" => OutputFormat.Json,
            "yaml" => OutputFormat.Yaml,
            "text" => OutputFormat.Text,
            _ => throw new CliException("invalid-usage", $"unknown format '{format}': use text, json or yaml", ExitCodes.InvalidInput),
        }, CliConsole.Out);
    }

    /// <summary>A client of the chosen server.</summary>
    public static ClayClient Client(ParseResult result)
    {
        var server = result.GetValue(Server) ?? Environment.GetEnvironmentVariable("CLAY_SERVER") ?? LazyProfile().Server ?? CliProfile.DefaultServer;
        if (!Uri.TryCreate(server.EndsWith('/') ? server : server + "/", UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            throw new CliException("invalid-usage", $"'{server}' is not a server URL such as {CliProfile.DefaultServer}", ExitCodes.InvalidInput);
        // $CLAY_TOKEN, else the token of a server on this machine (found by itself), else the profile's.
        var token = Environment.GetEnvironmentVariable("CLAY_TOKEN") is { Length: > 0 } fromEnvironment ? fromEnvironment
            : LocalServerToken.Find(uri) ?? LazyProfile().Token;
        return new ClayClient(uri, token);
    }

    private static CliProfile? _profile;

    private static CliProfile LazyProfile() => _profile ??= CliProfile.Load();
}
