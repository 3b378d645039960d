using Clay.Runtime.Errors;
using Microsoft.Extensions.Configuration;

namespace Clay.Server.Hosting;

/// <summary>
/// Where clay-server's options come from, through Microsoft.Extensions.Configuration; each source
/// overrides the ones before it, and all of them set the <c>Clay</c> section:
/// <list type="number">
/// <item><c>appsettings.json</c> next to clay-server (<c>{"Clay": {"MemoryBudget": "64MiB"}}</c>);</item>
/// <item><c>appsettings.json</c> in the data directory;</item>
/// <item>the configuration file: <c>--config FILE</c> (server.conf lines, or JSON when it ends in
/// .json), else <c>~/.clay/server.conf</c> when it exists;</item>
/// <item>environment variables <c>CLAY__KEY</c> (<c>CLAY__MEMORYBUDGET=64MiB</c>);</item>
/// <item>the command line (<c>--memory-budget 64MiB</c>).</item>
/// </list>
/// The result is validated before the server starts: an unknown option or a bad value fails with
/// <c>invalid-arguments</c>, naming the option and the source that set it.
/// </summary>
public static class ServerConfiguration
{
    private const string ConfigSwitch = "--config";
    private const string SettingsFile = "appsettings.json";

    /// <summary>The configuration file read when no <c>--config</c> is given.</summary>
    public static string DefaultConfigFile =>
        Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile, Environment.SpecialFolderOption.DoNotVerify), ".clay", "server.conf");

    /// <summary>Loads the options of a server whose executable is in <paramref name="serverDirectory"/>, started with <paramref name="args"/>.</summary>
    public static ServerOptions Load(IReadOnlyList<string> args, string serverDirectory) => Load(args, serverDirectory, DefaultConfigFile);

    /// <summary>Loads the options, reading <paramref name="defaultConfigFile"/> (when it exists) unless <c>--config</c> names another file.</summary>
    internal static ServerOptions Load(IReadOnlyList<string> args, string serverDirectory, string defaultConfigFile)
    {
        var (configFile, commandLine) = ReadCommandLine(args);
        configFile ??= File.Exists(defaultConfigFile) ? defaultConfigFile : null;
        // The data directory is known only once the other sources are read; its own file cannot move it.
        var first = Build(serverDirectory, dataDirectory: null, configFile, commandLine);
        var dataDirectory = first.Root[ServerOptionsBinder.Section + ":DataDir"] is { Length: > 0 } dir
            ? ServerOptionsBinder.Bind(Only(first.Root, "DataDir"), first.Origin).DataDirectory
            : ServerOptions.DefaultDataDirectory();
        var layered = Build(serverDirectory, dataDirectory, configFile, commandLine);
        // Provider 1 is the data directory's appsettings.json (0 is the one next to clay-server).
        if (layered.Sets(index: 1, "DataDir"))
        {
            throw Bad($"'Clay:DataDir' cannot be set in {Path.Combine(dataDirectory, SettingsFile)}, the data directory's own file; set it in another source");
        }
        return ServerOptionsBinder.Bind(layered.Root, layered.Origin);
    }

    /// <summary>The layered configuration, and for each provider how it spells and locates a key of the Clay section.</summary>
    private sealed record Layers(IConfigurationRoot Root, IReadOnlyList<Func<IConfigurationProvider, ServerOption?, string, string>> Describe)
    {
        /// <summary>Whether the provider at <paramref name="index"/> sets <paramref name="key"/>.</summary>
        public bool Sets(int index, string key) => Root.Providers.ElementAt(index).TryGet(ServerOptionsBinder.Section + ":" + key, out _);

        /// <summary>The source that set <paramref name="key"/> (the last one that has it), as it spells and locates it.</summary>
        public string Origin(ServerOption? option, string key)
        {
            var providers = Root.Providers.ToList();
            for (var i = providers.Count - 1; i >= 0; i--)
            {
                if (providers[i].TryGet(ServerOptionsBinder.Section + ":" + key, out _)) return Describe[i](providers[i], option, key);
            }
            return $"'{key}'";
        }
    }

    private static Layers Build(string serverDirectory, string? dataDirectory, string? configFile, IReadOnlyList<string> commandLine)
    {
        var builder = new ConfigurationBuilder();
        var describe = new List<Func<IConfigurationProvider, ServerOption?, string, string>>();
        void AddJson(string path, bool optional)
        {
            builder.AddJsonFile(path, optional, reloadOnChange: false);
            describe.Add((_, _, key) => $"'{ServerOptionsBinder.Section}:{key}' (in {path})");
        }

        AddJson(Path.Combine(serverDirectory, SettingsFile), optional: true);
        if (dataDirectory is not null) AddJson(Path.Combine(dataDirectory, SettingsFile), optional: true);
        var file = configFile;
        if (file is not null && file.EndsWith(".json", StringComparison.OrdinalIgnoreCase))
        {
            AddJson(file, optional: false);
        }
        else if (file is not null)
        {
            builder.Add(new ServerConfFileSource(file));
            describe.Add((provider, option, key) => $"'{option?.Name ?? key}' (at {((ServerConfFileProvider)provider).Where(key)})");
        }
        builder.AddEnvironmentVariables();
        describe.Add((_, _, key) => $"'{EnvironmentVariable(key)}' (environment variable)");
        builder.AddCommandLine([.. commandLine], ServerOptionsBinder.Options.ToDictionary(o => o.Switch, o => ServerOptionsBinder.Section + ":" + o.Key));
        describe.Add((_, option, key) => $"'{option?.Switch ?? key}' (command line)");
        try
        {
            return new Layers(builder.Build(), describe);
        }
        catch (InvalidDataException ex)
        {
            // A JSON file that does not parse: the message names the file, the inner one the place.
            throw Bad($"{ex.Message} {ex.InnerException?.Message}".Trim());
        }
        catch (FormatException ex)
        {
            throw Bad(ex.Message);
        }
    }

    /// <summary>The name of the environment variable that sets <paramref name="key"/> of the Clay section, as the environment spells it.</summary>
    private static string EnvironmentVariable(string key)
    {
        var wanted = ServerOptionsBinder.Section + ":" + key;
        foreach (System.Collections.DictionaryEntry variable in Environment.GetEnvironmentVariables())
        {
            if (variable.Key is string name && name.Replace("__", ":", StringComparison.Ordinal).Equals(wanted, StringComparison.OrdinalIgnoreCase)) return name;
        }
        return "CLAY__" + key.ToUpperInvariant();
    }

    private static IConfiguration Only(IConfiguration root, string key) => new ConfigurationBuilder()
        .AddInMemoryCollection([new(ServerOptionsBinder.Section + ":" + key, root[ServerOptionsBinder.Section + ":" + key])])
        .Build();

    /// <summary>
    /// Takes <c>--config FILE</c> out of the command line and checks the rest is made of known
    /// options, each with a value (<c>--port 9881</c> or <c>--port=9881</c>).
    /// </summary>
    private static (string? ConfigFile, List<string> CommandLine) ReadCommandLine(IReadOnlyList<string> args)
    {
        string? configFile = null;
        var rest = new List<string>();
        for (var i = 0; i < args.Count; i++)
        {
            var token = args[i];
            var eq = token.IndexOf('=', StringComparison.Ordinal);
            var name = eq > 0 ? token[..eq] : token;
            if (name != ConfigSwitch && ServerOptionsBinder.Options.All(o => o.Switch != name))
            {
                throw Bad($"unknown option '{name}'; the options are {string.Join(", ", ServerOptionsBinder.Options.Select(o => o.Switch).Append(ConfigSwitch))}");
            }
            string value;
            if (eq > 0)
            {
                value = token[(eq + 1)..];
            }
            else
            {
                if (i + 1 >= args.Count) throw Bad($"option {name} needs a value");
                value = args[++i];
            }
            if (name == ConfigSwitch)
            {
                configFile = Path.GetFullPath(value);
                if (!File.Exists(configFile)) throw Bad($"the configuration file {configFile} does not exist");
                continue;
            }
            rest.Add($"{name}={value}");
        }
        return (configFile, rest);
    }

    private static ClayException Bad(string message) => new(ErrorCodes.InvalidArguments, message);
}
