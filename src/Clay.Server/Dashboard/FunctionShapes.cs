using Clay.Runtime.Components;
using Clay.Runtime.Types;

namespace Clay.Server.Dashboard;

/// <summary>A parameter as the dashboard's invoke form shows it.</summary>
/// <param name="Name">Its kebab-case name.</param>
/// <param name="Type">Its type as WIT text, for example <c>product-item</c> or <c>list&lt;u32&gt;</c>.</param>
/// <param name="Definitions">The WIT definitions of the named types it uses.</param>
/// <param name="Example">A WAVE value of the type to start from.</param>
public sealed record ParameterShapeDto(string Name, string Type, IReadOnlyList<string> Definitions, string Example);

/// <summary>An exported function with typed parameters.</summary>
/// <param name="Name">Its exported name.</param>
/// <param name="Signature">Its signature as <c>clay component get</c> prints it.</param>
/// <param name="Parameters">Its parameters in order.</param>
/// <param name="Result">Its result type as WIT text, or null.</param>
public sealed record FunctionShapeDto(string Name, string Signature, IReadOnlyList<ParameterShapeDto> Parameters, string? Result);

/// <summary>The functions of one component version.</summary>
/// <param name="Component">The component's name.</param>
/// <param name="Version">The version described.</param>
/// <param name="Functions">Its exported functions.</param>
public sealed record FunctionListDto(string Component, long Version, IReadOnlyList<FunctionShapeDto> Functions);

/// <summary><c>GET /v1/components/{name}/functions?version=N</c>: each exported function's parameters with their types and an example value.</summary>
public static class FunctionShapes
{
    /// <summary>Maps the route.</summary>
    public static void MapFunctionShapes(this IEndpointRouteBuilder app) =>
        app.MapGet("/v1/components/{name}/functions", async (string name, long? version, Components.ComponentRegistry registry, CancellationToken ct) =>
        {
            var component = Runtime.Names.ValidateComponent(Uri.UnescapeDataString(name));
            var loaded = version is { } v ? await registry.GetAsync(component, v, ct) : await registry.GetLatestAsync(component, ct);
            return Describe(loaded.Name, loaded.Version, loaded.Model);
        });

    /// <summary>Describes <paramref name="model"/>'s functions.</summary>
    public static FunctionListDto Describe(string component, long version, ComponentModel model) =>
        new(component, version, model.Functions.Select(f => new FunctionShapeDto(f.Name, f.Signature,
            f.Parameters.Select(p => new ParameterShapeDto(p.Name, WitPrinter.PrintType(p.Type), Definitions(p.Type), WaveExample.Of(p.Type))).ToList(),
            f.ResultType is null ? null : WitPrinter.PrintType(f.ResultType))).ToList());

    /// <summary>The definitions of the named types reachable from <paramref name="type"/>, outermost first.</summary>
    private static List<string> Definitions(ClayType type)
    {
        var named = new List<ClayType>();
        Collect(type, named);
        return named.Select(t => WitPrinter.PrintDefinition(t)).ToList();
    }

    private static void Collect(ClayType type, List<ClayType> named)
    {
        switch (type)
        {
            case ClayType.Primitive:
                break;
            case ClayType.List l: Collect(l.Element, named); break;
            case ClayType.Option o: Collect(o.Inner, named); break;
            case ClayType.Result r:
                if (r.Ok is not null) Collect(r.Ok, named);
                if (r.Err is not null) Collect(r.Err, named);
                break;
            case ClayType.Tuple t:
                foreach (var element in t.Elements) Collect(element, named);
                break;
            case ClayType.Record r:
                if (named.Contains(r)) break;
                named.Add(r);
                foreach (var field in r.Fields) Collect(field.Type, named);
                break;
            case ClayType.Variant v:
                if (named.Contains(v)) break;
                named.Add(v);
                foreach (var c in v.Cases) if (c.Payload is not null) Collect(c.Payload, named);
                break;
            case ClayType.Enum or ClayType.Flags:
                if (!named.Contains(type)) named.Add(type);
                break;
        }
    }
}
