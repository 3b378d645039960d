using System.Text.Json;
using Clay.Server.Components;

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
    }

    private static async Task<IResult> UploadAsync(HttpRequest request, ComponentRegistry registry, CancellationToken cancellationToken)
    {
        if (!request.HasFormContentType)
        {
            return ApiErrors.Result(ServerErrorCodes.InvalidRequest, "upload a component as multipart/form-data with fields 'name' and 'package'");
        }
        var form = await request.ReadFormAsync(cancellationToken);
        var name = form["name"].ToString();
        var package = form.Files.GetFile("package");
        if (string.IsNullOrEmpty(name) || package is null)
        {
            return ApiErrors.Result(ServerErrorCodes.InvalidRequest, "the upload needs a 'name' field and a 'package' file");
        }
        await using var stream = package.OpenReadStream();
        var (record, unchanged) = await registry.UploadAsync(name, stream, cancellationToken);
        var dto = ToDto(record, unchanged);
        return unchanged ? Results.Ok(dto) : Results.Created($"/v1/components/{Uri.EscapeDataString(name)}?version={record.Version}", dto);
    }

    /// <summary>The API's view of a component version.</summary>
    public static ComponentDto ToDto(ComponentRecord record, bool unchanged) => new(record.Name, record.Id, record.Version, record.Size,
        record.CreatedAt, record.Hash, record.Wit,
        JsonSerializer.Deserialize<string[][]>(record.InterfaceJson)!.Select(e => new ExportDto(e[0], e[1])).ToList(), unchanged);
}
