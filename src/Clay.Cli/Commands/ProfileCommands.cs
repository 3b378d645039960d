using System.CommandLine;
using System.Text.Json.Nodes;
using Clay.Cli.Apps;
using Clay.Cli.Output;

namespace Clay.Cli.Commands;

/// <summary><c>clay profile show|set</c>: the settings in ~/.clay/profile.json.</summary>
public static class ProfileCommands
{
    /// <summary>The <c>profile</c> command tree.</summary>
    public static Command Create()
    {
        var command = new Command("profile", "Show or change the default server and output format");
        var show = new Command("show", "Show the profile");
        show.SetAction(result =>
        {
            var profile = CliProfile.Load();
            GlobalOptions.Output(result).Write(
                new JsonObject { ["path"] = CliProfile.FilePath, ["server"] = profile.Server, ["format"] = profile.Format, ["token"] = profile.Token is null ? "none" : "set" },
                o => Show.Fields(o, ("Profile", CliProfile.FilePath), ("Server", profile.Server ?? $"(default) {CliProfile.DefaultServer}"),
                    ("Format", profile.Format ?? "(default) text"), ("Token", profile.Token is null ? "(none)" : "(set)")));
            return 0;
        });
        command.Add(show);

        var key = new Argument<string>("key") { Description = "server, format or token" };
        var value = new Argument<string>("value") { Description = "The new value" };
        var set = new Command("set", "Set a profile value") { key, value };
        set.SetAction(result =>
        {
            var profile = CliProfile.Load();
            var v = result.GetValue(value)!;
            switch (result.GetValue(key))
            {
                case "server":
                    if (!Uri.TryCreate(v, UriKind.Absolute, out _)) throw new CliException("invalid-usage", $"'{v}' is not a URL", ExitCodes.InvalidInput);
                    profile.Server = v;
                    break;
                case "format":
                    if (v is not ("text" or "json" or "yaml")) throw new CliException("invalid-usage", "format is text, json or yaml", ExitCodes.InvalidInput);
                    profile.Format = v;
                    break;
                case "token":
                    profile.Token = v.Length == 0 ? null : v;
                    break;
                case var other:
                    throw new CliException("invalid-usage", $"unknown profile key '{other}': use server, format or token", ExitCodes.InvalidInput);
            }
            profile.Save();
            GlobalOptions.Output(result).Write(new JsonObject { ["server"] = profile.Server, ["format"] = profile.Format }, o => o.WriteLine($"Saved {CliProfile.FilePath}."));
            return 0;
        });
        command.Add(set);
        return command;
    }
}
