using System.Text.RegularExpressions;

namespace Clay.EndToEnd.Tests.Cli;

/// <summary>
/// Approved-output files in tests/Clay.EndToEnd.Tests/Snapshots: the output is scrubbed of what
/// changes from run to run (ids, times, ports, paths, sizes) and compared with the file. Run with
/// CLAY_UPDATE_SNAPSHOTS=1 to write the files after a deliberate change: a test whose file it
/// rewrites still fails, naming the file, so that nothing is approved without a look at the diff.
/// </summary>
public static partial class Snapshot
{
    private static readonly string Directory_ = Path.Combine(ClayInstallation.RepositoryRoot, "tests", "Clay.EndToEnd.Tests", "Snapshots");

    public static void Match(string name, string actual, params (string Value, string Placeholder)[] replacements)
    {
        var scrubbed = Scrub(actual, replacements);
        var path = Path.Combine(Directory_, name + ".txt");
        var approved = File.Exists(path) ? File.ReadAllText(path).ReplaceLineEndings("\n") : null;
        if (Environment.GetEnvironmentVariable("CLAY_UPDATE_SNAPSHOTS") == "1" && approved != scrubbed)
        {
            System.IO.Directory.CreateDirectory(Directory_);
            File.WriteAllText(path, scrubbed);
            Assert.Fail($"{(approved is null ? "wrote" : "rewrote")} the snapshot {path}: review it (git diff), then run again without CLAY_UPDATE_SNAPSHOTS");
        }
        Assert.True(approved is not null, $"no snapshot {path}; review this output and run with CLAY_UPDATE_SNAPSHOTS=1 to approve it:\n{scrubbed}");
        Assert.Equal(approved, scrubbed);
    }

    public static string Scrub(string text, params (string Value, string Placeholder)[] replacements)
    {
        foreach (var (value, placeholder) in replacements.OrderByDescending(r => r.Value.Length)) text = text.Replace(value, placeholder, StringComparison.Ordinal);
        text = Guid().Replace(text, "<guid>");
        text = IsoTime().Replace(text, "<time>");
        text = ShortTime().Replace(text, "<time>");
        text = Bytes().Replace(text, "<bytes>");
        text = JsonSize().Replace(text, m => $"\"{m.Groups[1].Value}\": <n>");
        text = YamlSize().Replace(text, m => $"{m.Groups[1].Value}: <n>");
        // Every invocation adds entries, so the length depends on which tests ran first.
        text = OplogLength().Replace(text, m => $"{m.Groups[1].Value}<n>");
        return text.ReplaceLineEndings("\n");
    }

    [GeneratedRegex(@"(Oplog length:\s+)\d+")]
    private static partial Regex OplogLength();

    [GeneratedRegex("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")]
    private static partial Regex Guid();

    [GeneratedRegex(@"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)")]
    private static partial Regex IsoTime();

    [GeneratedRegex(@"\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ")]
    private static partial Regex ShortTime();

    [GeneratedRegex(@"\d[\d,]* bytes( \([\d.]+ [KMGT]iB\))?")]
    private static partial Regex Bytes();

    [GeneratedRegex(@"""(size|componentSize|memoryAtStartup|memoryNow|hash|oplogLength)"": (""[^""]*""|\d+)")]
    private static partial Regex JsonSize();

    [GeneratedRegex(@"(?m)^(\s*(?:size|componentSize|memoryAtStartup|memoryNow|hash|oplogLength)): \S+")]
    private static partial Regex YamlSize();
}
