namespace Clay.Server.Health;

/// <summary>The JSON answer of a health endpoint.</summary>
/// <param name="Status"><c>healthy</c>, <c>degraded</c> or <c>unhealthy</c>.</param>
/// <param name="Checks">Each check's verdict by name.</param>
public sealed record HealthReportDto(string Status, IReadOnlyDictionary<string, HealthCheckDto> Checks);
