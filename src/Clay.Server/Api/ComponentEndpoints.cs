using System.Text.Json;
using Clay.Cluster.Workers;
using Clay.Runtime.Residency;
using Clay.Server.Components;
using Clay.Server.Workers;

namespace Clay.Server.Api;

/// <summary>Routes under <c>/v1/components</c> for the components themselves.</summary>
public static class ComponentEndpoints
{
    /// <summary>Maps the routes.</summary>
    public static void MapComponentEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/v1/components", UploadAsync).DisableAntiforgery();
        app.MapGet("/v1/components", async (ComponentRegistry registry, CancellationToken ct) =>
            new ComponentListDto((await registry.ListAsync(ct)).Select(r => ToDto(r, unchanged: false)).ToList()));
        app.MapGet("/v1/components/{name}", async (string name, long? version, ComponentRegistry registry, CancellationToken ct) =>
            ToDto(await registry.GetAsync(Runtime.Names.ValidateComponent(Uri.UnescapeDataString(name)), version, ct), unchanged: false));
        app.MapDelete("/v1/components/{name}", DeleteAsync);
    }

    private static async Task<IResult> UploadAsync(HttpRequest request, ComponentRegistry registry, CancellationToken cancellationToken)
    {
        // Uploads beyond the cap wait here, before their bodies are read.
        using var slot = await registry.AcquireUploadSlotAsync(cancellationToken);
        var (name, package) = await PackageUploadReader.ReadAsync(request, registry, cancellationToken);
        using (package)
        {
            var (record, unchanged) = await registry.UploadAsync(name, package, cancellationToken);
            var dto = ToDto(record, unchanged);
            return unchanged ? Results.Ok(dto) : Results.Created($"/v1/components/{Uri.EscapeDataString(name)}?version={record.Version}", dto);
        }
    }

    /// <summary>
    /// Deletes a version (<c>?version=N</c>) or the whole component: 409 <c>component-in-use</c> while
    /// workers are on it, unless <c>?force=true</c>. Idle workers of deleted versions leave memory at once.
    /// </summary>
    private static async Task<ComponentDeletedDto> DeleteAsync(string name, long? version, bool? force, ComponentRegistry registry,
        ComponentUsers users, Cluster.ClusterNodes nodes, IGrainFactory grains, CancellationToken cancellationToken)
    {
        var component = Runtime.Names.ValidateComponent(Uri.UnescapeDataString(name));
        var (versions, workers) = await registry.DeleteAsync(component, version, force ?? false, users.FindAsync, cancellationToken);
        // In memory anywhere: in this process, in a component host, on another node.
        foreach (var (id, info) in await nodes.ResidentAsync(component))
        {
            if (versions.Contains(info.ComponentVersion)) await grains.Worker(id).EvictAsync();
        }
        return new ComponentDeletedDto(component, versions, workers);
    }

    /// <summary>The API's view of a component version.</summary>
    public static ComponentDto ToDto(ComponentRecord record, bool unchanged) => new(record.Name, record.Id, record.Version, record.Size,
        record.CreatedAt, record.Hash, record.Wit,
        JsonSerializer.Deserialize<string[][]>(record.InterfaceJson)!.Select(e => new ExportDto(e[0], e[1])).ToList(), unchanged);
}
