namespace Clay.Client.Contracts;

/// <summary>The deployed components, latest versions (<c>GET /v1/components</c>).</summary>
/// <param name="Components">The components.</param>
public sealed record ComponentListDto(IReadOnlyList<ComponentDto> Components);
