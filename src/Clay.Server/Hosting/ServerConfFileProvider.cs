using Clay.Runtime.Errors;
using Microsoft.Extensions.Configuration;

namespace Clay.Server.Hosting;

/// <summary>Reads a <see cref="ServerConfFileSource"/> into <c>Clay:Key</c> entries, remembering the line of each.</summary>
internal sealed class ServerConfFileProvider(string path) : ConfigurationProvider
{
    private readonly Dictionary<string, int> _lines = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The file.</summary>
    public string Path { get; } = path;

    /// <summary>Where a key was set: <c>FILE:LINE</c>.</summary>
    public string Where(string key) => _lines.TryGetValue(key, out var line) ? $"{Path}:{line}" : Path;

    /// <inheritdoc/>
    public override void Load()
    {
        var lineNumber = 0;
        foreach (var raw in File.ReadAllLines(Path))
        {
            lineNumber++;
            var line = raw.Split('#')[0].Trim();
            if (line.Length == 0) continue;
            var parts = line.Split((char[]?)null, 2, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (parts.Length != 2) throw Bad(lineNumber, "expected 'option value', for example 'memory-budget 64MiB'");
            var option = ServerOptionsBinder.ByName(parts[0].TrimStart('-'))
                ?? throw Bad(lineNumber, $"unknown option '{parts[0]}'; the options are {string.Join(", ", ServerOptionsBinder.Options.Select(o => o.Name))}");
            Data[ServerOptionsBinder.Section + ":" + option.Key] = parts[1];
            _lines[option.Key] = lineNumber;
        }
    }

    private ClayException Bad(int line, string problem) => new(ErrorCodes.InvalidArguments, $"{Path}:{line}: {problem}");
}
