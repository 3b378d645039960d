namespace Clay.Client.Contracts;

/// <summary>A component version as the API shows it (<c>GET /v1/components/{name}</c>).</summary>
/// <param name="Name">The component name, for example <c>demo:cart0</c>.</param>
/// <param name="Id">The component's id, the same for all its versions.</param>
/// <param name="Version">The version, counting from 0.</param>
/// <param name="Size">The package size in bytes.</param>
/// <param name="CreatedAt">When this version was uploaded.</param>
/// <param name="Hash">SHA-256 of the package, lower-case hex.</param>
/// <param name="Wit">The exported interface in WIT.</param>
/// <param name="Exports">The exported functions.</param>
/// <param name="Unchanged">On upload: true when the package equals the latest version, which was kept.</param>
public sealed record ComponentDto(string Name, Guid Id, long Version, long Size, DateTimeOffset CreatedAt, string Hash, string Wit,
    IReadOnlyList<ExportDto> Exports, bool Unchanged);
