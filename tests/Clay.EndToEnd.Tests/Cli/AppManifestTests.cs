using Clay.Cli;
using Clay.Cli.Apps;

namespace Clay.EndToEnd.Tests.Cli;

/// <summary>clay.yaml as Clay writes it, as people edit it, and how a broken one is reported.</summary>
public sealed class AppManifestTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "clay-manifest", Guid.NewGuid().ToString("N"));

    public AppManifestTests() => Directory.CreateDirectory(_root);

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string PathOf => Path.Combine(_root, AppManifest.FileName);

    private AppManifest LoadText(string yaml)
    {
        File.WriteAllText(PathOf, yaml);
        return AppManifest.Load(PathOf);
    }

    [Fact]
    public void Clay_writes_a_readable_file()
    {
        var manifest = new AppManifest { Root = _root, Name = "shop" };
        manifest.Save();
        var empty = File.ReadAllText(PathOf);
        manifest.Components.Add(new AppComponent("demo:cart0", "components/demo-cart0", "csharp/example-shopping-cart"));
        manifest.Components.Add(new AppComponent("demo:counter", "components/demo-counter", "csharp/default"));
        manifest.Save();

        Assert.Equal("""
            # A Clay application: its components and how they are built (see 'clay app --help').
            name: shop
            build:
              configuration: Release
            components: []

            """, empty);
        Assert.Equal("""
            # A Clay application: its components and how they are built (see 'clay app --help').
            name: shop
            build:
              configuration: Release
            components:
              - name: demo:cart0
                path: components/demo-cart0
                template: csharp/example-shopping-cart
              - name: demo:counter
                path: components/demo-counter
                template: csharp/default

            """, File.ReadAllText(PathOf));
    }

    [Fact]
    public void What_clay_writes_it_reads_back()
    {
        var manifest = new AppManifest { Root = _root, Name = "odd-names_1", Configuration = "Debug" };
        // Values YAML would misread if written bare: Clay quotes them.
        manifest.Components.Add(new AppComponent("yes", "components/# not a comment", "csharp/default"));
        manifest.Components.Add(new AppComponent("demo:x", "components/x: y", "- dash"));
        manifest.Save();

        var loaded = AppManifest.Load(PathOf);

        Assert.Equal(manifest.Name, loaded.Name);
        Assert.Equal("Debug", loaded.Configuration);
        Assert.Equal(manifest.Components, loaded.Components);
        Assert.Equal(_root, loaded.Root);
    }

    [Fact]
    public void Hand_edits_in_any_yaml_style_are_read()
    {
        var manifest = LoadText("""
            # edited by hand
            name: "shop"          # quoted
            build: { configuration: Debug }
            components:
            - name: demo:cart0
              path: 'components/demo-cart0'
            - {name: demo:cart1, path: components/demo-cart1, template: csharp/example-shopping-cart}
            """);

        Assert.Equal("shop", manifest.Name);
        Assert.Equal("Debug", manifest.Configuration);
        Assert.Equal(
            [new AppComponent("demo:cart0", "components/demo-cart0", "csharp/default"),
             new AppComponent("demo:cart1", "components/demo-cart1", "csharp/example-shopping-cart")],
            manifest.Components);
    }

    public static TheoryData<string, string> BrokenFiles => new()
    {
        { "", ":1:1: the file is empty: it needs at least 'name: APPLICATION'" },
        { "build:\n  configuration: Release\n", ":1:1: missing 'name:' (the application's name)" },
        { "name: shop\ncomponets: []\n", ":2:1: unknown key 'componets': an application has name, build and components" },
        { "name: shop\nbuild:\n  config: Debug\n", ":3:3: unknown key 'config' under build: it has configuration" },
        { "name: shop\ncomponents: demo\n", ":2:13: components must be a list of '- name: …' entries" },
        { "name: shop\ncomponents:\n  - name: demo:a\n", ":3:5: the component demo:a needs 'path:' (its project directory)" },
        { "name: shop\ncomponents:\n  - path: x\n    colour: red\n", ":4:5: unknown key 'colour' in a component: it has name, path and template" },
        { "name:\n", ":1:6: 'name' needs a value" },
        { "- shop\n", ":1:1: the application must be a mapping of 'key: value' lines" },
        // YAML's own errors, as YamlDotNet words them.
        { "name: shop\ncomponents:\n  - name: demo:a\n   path: x\n", ":4:4: While parsing a block collection, did not find expected '-' indicator." },
        { "name: shop\nname: other\n", ":2:1: Duplicate key name" },
        { "name: [shop\n", ":2:1: While parsing a flow sequence, did not find expected ',' or ']'." },
    };

    [Theory]
    [MemberData(nameof(BrokenFiles))]
    public void A_broken_file_is_reported_with_its_line_and_column(string yaml, string expected)
    {
        var error = Assert.Throws<CliException>(() => LoadText(yaml));

        Assert.Equal("invalid-application", error.Code);
        Assert.Equal(ExitCodes.InvalidInput, error.ExitCode);
        Assert.Equal(PathOf + expected, error.Message);
    }
}
