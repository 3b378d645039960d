using System.Net.Http.Headers;
using Clay.Client.Contracts;

namespace Clay.Client;

public sealed partial class ClayClient
{
    /// <summary>The deployed components, each at its latest version.</summary>
    public Task<ComponentListDto> ListComponentsAsync(CancellationToken cancellationToken = default) =>
        GetAsync(ApiPaths.Components, ClayJsonContext.Default.ComponentListDto, cancellationToken);

    /// <summary>A deployed component: its latest version, or <paramref name="version"/>. Throws <c>component-not-found</c> when there is none.</summary>
    public Task<ComponentDto> GetComponentAsync(string name, long? version = null, CancellationToken cancellationToken = default) =>
        GetAsync(ApiPaths.WithQuery(ApiPaths.Component(name), ("version", version?.ToString(System.Globalization.CultureInfo.InvariantCulture))),
            ClayJsonContext.Default.ComponentDto, cancellationToken);

    /// <summary>The server's nodes: one for a single server, every member for a cluster.</summary>
    public Task<ClusterDto> GetClusterAsync(CancellationToken cancellationToken = default) =>
        GetAsync("v1/cluster/nodes", ClayJsonContext.Default.ClusterDto, cancellationToken);

    /// <summary>
    /// Uploads a component package (the .zip <c>clay app build</c> writes) as a new version of
    /// <paramref name="name"/>; when it equals the latest version, that version is kept and returned
    /// with <see cref="ComponentDto.Unchanged"/> set.
    /// </summary>
    public Task<ComponentDto> UploadComponentAsync(string name, Stream package, CancellationToken cancellationToken = default)
    {
        var form = new MultipartFormDataContent
        {
            { new StringContent(name), "name" },
        };
        var file = new StreamContent(package);
        file.Headers.ContentType = new MediaTypeHeaderValue("application/zip");
        form.Add(file, "package", "package.zip");
        return SendAsync(new HttpRequestMessage(HttpMethod.Post, ApiPaths.Components) { Content = form }, ClayJsonContext.Default.ComponentDto, cancellationToken);
    }

    /// <summary>
    /// Deletes <paramref name="version"/> of a component, or every version it has when null. Throws
    /// <c>component-in-use</c> while workers run on them, unless <paramref name="force"/>: then those
    /// workers keep their oplogs but cannot run. A deleted version's number is never reused.
    /// </summary>
    public Task<ComponentDeletedDto> DeleteComponentAsync(string name, long? version = null, bool force = false,
        CancellationToken cancellationToken = default) =>
        SendAsync(new HttpRequestMessage(HttpMethod.Delete, ApiPaths.WithQuery(ApiPaths.Component(name),
                ("version", version?.ToString(System.Globalization.CultureInfo.InvariantCulture)), ("force", force ? "true" : null))),
            ClayJsonContext.Default.ComponentDeletedDto, cancellationToken);
}
