using System.CommandLine;
using System.Text.Json.Nodes;
using Clay.Cli.Apps;
using Clay.Cli.Output;
using Clay.Client;
using Clay.Client.Contracts;
using Spectre.Console;

namespace Clay.Cli.Commands;

/// <summary><c>clay component new|templates|get|list|delete</c>.</summary>
public static class ComponentCommands
{
    /// <summary>The <c>component</c> command tree.</summary>
    public static Command Create()
    {
        var command = new Command("component", "Create components from templates and inspect deployed ones");

        var template = new Argument<string>("template") { Description = "The template, for example csharp/example-shopping-cart (see 'clay component templates')" };
        var name = new Argument<string>("name") { Description = "The component name, for example demo:cart0 (for csharp/test: the component to test)" };
        var create = new Command("new", "Add a component to the application in this directory, from a template") { template, name };
        create.SetAction(result =>
        {
            var app = AppManifest.Find(Environment.CurrentDirectory);
            if (Templates.Find(result.GetValue(template)!).Id == TestProjects.TemplateId)
            {
                var tested = result.GetValue(name)!;
                var path = TestProjects.Create(app, tested, Templates.OpenFile);
                GlobalOptions.Output(result).Write(
                    new JsonObject { ["tests"] = tested, ["path"] = path, ["template"] = TestProjects.TemplateId },
                    o => o.WriteLine($"Added tests of {tested} in {path}. Run them with 'dotnet test {path}'."));
                return 0;
            }
            var component = Templates.CreateComponent(app, Templates.Find(result.GetValue(template)!), result.GetValue(name)!);
            GlobalOptions.Output(result).Write(
                new JsonObject { ["name"] = component.Name, ["path"] = component.Path, ["template"] = component.Template },
                o => o.WriteLine($"Added component {component.Name} in {component.Path} (from {component.Template}). Build it with 'clay app build'."));
            return 0;
        });
        command.Add(create);

        var templates = new Command("templates", "List the component templates");
        templates.SetAction(result =>
        {
            var document = new JsonArray(Templates.All.Select(t => (JsonNode)new JsonObject { ["id"] = t.Id, ["description"] = t.Description }).ToArray());
            GlobalOptions.Output(result).Write(document, o =>
            {
                var table = new Table().AddColumn("Template").AddColumn("Description");
                foreach (var t in Templates.All) table.AddRow(Markup.Escape(t.Id), Markup.Escape(t.Description));
                Show.Console(o).Write(table);
            });
            return 0;
        });
        command.Add(templates);

        var getName = new Argument<string>("name") { Description = "The component name" };
        var getVersion = new Argument<long?>("version") { Description = "A version other than the latest (as in Golem)", Arity = ArgumentArity.ZeroOrOne };
        var version = new Option<long?>("--version") { Description = "A version other than the latest (or give it after the name)" };
        var get = new Command("get", "Show a deployed component: version, size, exported interface") { getName, getVersion, version };
        get.SetAction(async (result, ct) =>
        {
            var wanted = ComponentVersions.Of(result.GetValue(getVersion), result.GetValue(version));
            using var client = GlobalOptions.Client(result);
            var component = await client.GetComponentAsync(result.GetValue(getName)!, wanted, ct);
            GlobalOptions.Output(result).Write(component, ClayJsonContext.Default.ComponentDto, o => WriteComponent(o, component));
            return 0;
        });
        command.Add(get);

        var list = new Command("list", "List the deployed components (latest versions)");
        list.SetAction(async (result, ct) =>
        {
            using var client = GlobalOptions.Client(result);
            var components = await client.ListComponentsAsync(ct);
            GlobalOptions.Output(result).Write(components, ClayJsonContext.Default.ComponentListDto, o =>
            {
                if (components.Components.Count == 0)
                {
                    o.WriteLine("No components. Deploy some with 'clay app deploy'.");
                    return;
                }
                var table = new Table().AddColumn("Name").AddColumn("Version").AddColumn("Size", c => c.RightAligned()).AddColumn("Exports", c => c.RightAligned()).AddColumn("Created at");
                foreach (var c in components.Components)
                {
                    table.AddRow(Markup.Escape(c.Name), Show.Number(c.Version), Show.Bytes(c.Size), Show.Number(c.Exports.Count), Show.Time(c.CreatedAt));
                }
                Show.Console(o).Write(table);
            });
            return 0;
        });
        command.Add(list);
        command.Add(Delete());
        return command;
    }

    private static Command Delete()
    {
        var name = new Argument<string>("name") { Description = "The component name" };
        var version = new Argument<long?>("version") { Description = "One version to delete (default: every version)", Arity = ArgumentArity.ZeroOrOne };
        var force = new Option<bool>("--force") { Description = "Delete even while workers use it: they keep their oplogs but cannot run until deleted" };
        var delete = new Command("delete", "Delete a deployed component, or one of its versions (refused while workers use it, unless --force)") { name, version, force };
        delete.SetAction(async (result, ct) =>
        {
            using var client = GlobalOptions.Client(result);
            var deleted = await client.DeleteComponentAsync(result.GetValue(name)!, result.GetValue(version), result.GetValue(force), ct);
            GlobalOptions.Output(result).Write(deleted, ClayJsonContext.Default.ComponentDeletedDto, o =>
            {
                o.WriteLine($"Deleted component {deleted.Name} version{(deleted.Versions.Count == 1 ? "" : "s")} {string.Join(", ", deleted.Versions)}.");
                if (deleted.Workers > 0)
                {
                    o.WriteLine($"{deleted.Workers} worker{(deleted.Workers == 1 ? " was" : "s were")} on it: they keep their oplogs but cannot run; delete them with 'clay worker delete'.");
                }
            });
            return 0;
        });
        return delete;
    }

    /// <summary>The text form of a component.</summary>
    public static void WriteComponent(TextWriter o, ComponentDto component)
    {
        Show.Fields(o,
            ("Component", component.Name),
            ("ID", component.Id.ToString()),
            ("Version", Show.Number(component.Version)),
            ("Size", Show.Bytes(component.Size)),
            ("Created at", Show.Time(component.CreatedAt)));
        o.WriteLine("Exports:");
        foreach (var export in component.Exports) o.WriteLine($"  {export.Signature}");
        o.WriteLine();
        o.WriteLine(component.Wit);
    }
}
