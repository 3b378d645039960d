namespace Clay.Server.Health;

/// <summary>One check's verdict.</summary>
/// <param name="Status"><c>healthy</c>, <c>degraded</c> or <c>unhealthy</c>.</param>
/// <param name="Description">What it found.</param>
/// <param name="Milliseconds">How long it took.</param>
public sealed record HealthCheckDto(string Status, string? Description, double Milliseconds);
