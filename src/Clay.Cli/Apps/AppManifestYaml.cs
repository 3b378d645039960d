using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.RepresentationModel;

namespace Clay.Cli.Apps;

/// <summary>
/// <c>clay.yaml</c> in YAML, through YamlDotNet's parser, node model and emitter (no reflection,
/// so the native clay can use it). Reading is strict: a key Clay does not know, a missing name or
/// a value of the wrong shape is reported with its line and column, as a YAML syntax error is.
/// </summary>
public static class AppManifestYaml
{
    private const string Header = "# A Clay application: its components and how they are built (see 'clay app --help').\n";

    /// <summary>The manifest in <paramref name="text"/>, the content of <paramref name="path"/> in the application directory <paramref name="root"/>.</summary>
    public static AppManifest Read(string text, string path, string root)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException ex)
        {
            throw Invalid(path, ex.Start, ProblemOf(ex));
        }
        if (stream.Documents.Count == 0) throw Invalid(path, Mark.Empty, "the file is empty: it needs at least 'name: APPLICATION'");
        if (stream.Documents.Count > 1) throw Invalid(path, stream.Documents[1].RootNode.Start, "expected one document, found another after '---'");
        var document = Mapping(stream.Documents[0].RootNode, path, "the application");

        string? name = null;
        var configuration = "Release";
        var components = new List<AppComponent>();
        foreach (var (keyNode, value) in document.Children)
        {
            switch (Key(keyNode, path))
            {
                case "name":
                    name = Scalar(value, path, "name");
                    break;
                case "build":
                    configuration = ReadBuild(value, path) ?? configuration;
                    break;
                case "components":
                    components = ReadComponents(value, path);
                    break;
                case var other:
                    throw Invalid(path, keyNode.Start, $"unknown key '{other}': an application has name, build and components");
            }
        }
        var manifest = new AppManifest
        {
            Root = root,
            Name = name ?? throw Invalid(path, document.Start, "missing 'name:' (the application's name)"),
            Configuration = configuration,
        };
        manifest.Components.AddRange(components);
        return manifest;
    }

    /// <summary>The text of <paramref name="manifest"/>: a comment line, then block-style YAML in the shape <see cref="Read"/> takes.</summary>
    public static string Write(AppManifest manifest)
    {
        using var text = new StringWriter { NewLine = "\n" };
        text.Write(Header);
        var emitter = new Emitter(text, EmitterSettings.Default.WithIndentedSequences());
        emitter.Emit(new StreamStart());
        emitter.Emit(new DocumentStart());
        emitter.Emit(new MappingStart());
        Pair(emitter, "name", manifest.Name);
        emitter.Emit(new Scalar("build"));
        emitter.Emit(new MappingStart());
        Pair(emitter, "configuration", manifest.Configuration);
        emitter.Emit(new MappingEnd());
        emitter.Emit(new Scalar("components"));
        emitter.Emit(new SequenceStart(AnchorName.Empty, TagName.Empty, isImplicit: true,
            manifest.Components.Count == 0 ? SequenceStyle.Flow : SequenceStyle.Block));
        foreach (var component in manifest.Components)
        {
            emitter.Emit(new MappingStart());
            Pair(emitter, "name", component.Name);
            Pair(emitter, "path", component.Path);
            Pair(emitter, "template", component.Template);
            emitter.Emit(new MappingEnd());
        }
        emitter.Emit(new SequenceEnd());
        emitter.Emit(new MappingEnd());
        emitter.Emit(new DocumentEnd(isImplicit: true));
        emitter.Emit(new StreamEnd());
        return text.ToString();
    }

    private static void Pair(IEmitter emitter, string key, string value)
    {
        emitter.Emit(new Scalar(key));
        emitter.Emit(new Scalar(value));
    }

    private static string? ReadBuild(YamlNode node, string path)
    {
        if (IsEmpty(node)) return null;
        string? configuration = null;
        foreach (var (keyNode, value) in Mapping(node, path, "build").Children)
        {
            configuration = Key(keyNode, path) switch
            {
                "configuration" => Scalar(value, path, "configuration"),
                var other => throw Invalid(path, keyNode.Start, $"unknown key '{other}' under build: it has configuration"),
            };
        }
        return configuration;
    }

    private static List<AppComponent> ReadComponents(YamlNode node, string path)
    {
        var components = new List<AppComponent>();
        if (IsEmpty(node)) return components;
        if (node is not YamlSequenceNode sequence) throw Invalid(path, node.Start, "components must be a list of '- name: …' entries");
        foreach (var item in sequence.Children)
        {
            var fields = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var (keyNode, value) in Mapping(item, path, "a component").Children)
            {
                var key = Key(keyNode, path);
                if (key is not ("name" or "path" or "template"))
                    throw Invalid(path, keyNode.Start, $"unknown key '{key}' in a component: it has name, path and template");
                fields[key] = Scalar(value, path, key);
            }
            if (!fields.TryGetValue("name", out var name)) throw Invalid(path, item.Start, "a component needs 'name:'");
            if (!fields.TryGetValue("path", out var directory)) throw Invalid(path, item.Start, $"the component {name} needs 'path:' (its project directory)");
            components.Add(new AppComponent(name, directory, fields.GetValueOrDefault("template", "csharp/default")));
        }
        return components;
    }

    private static YamlMappingNode Mapping(YamlNode node, string path, string what) =>
        node as YamlMappingNode ?? throw Invalid(path, node.Start, $"{what} must be a mapping of 'key: value' lines");

    private static string Key(YamlNode node, string path) =>
        node is YamlScalarNode { Value: { } key } ? key : throw Invalid(path, node.Start, "a key must be a plain word");

    private static string Scalar(YamlNode node, string path, string key) =>
        node is YamlScalarNode { Value: { Length: > 0 } value } ? value : throw Invalid(path, node.Start, $"'{key}' needs a value");

    private static bool IsEmpty(YamlNode node) => node is YamlScalarNode { Value: null or "" };

    /// <summary>The problem a YAML error names, without the position it prefixes (reported as line and column).</summary>
    private static string ProblemOf(YamlException error)
    {
        var message = error.InnerException is YamlException inner ? inner.Message : error.Message;
        var at = message.IndexOf("): ", StringComparison.Ordinal);
        return at >= 0 ? message[(at + 3)..] : message;
    }

    private static CliException Invalid(string path, Mark at, string problem) =>
        new("invalid-application", $"{path}:{Math.Max(1, at.Line)}:{Math.Max(1, at.Column)}: {problem}", ExitCodes.InvalidInput);
}
