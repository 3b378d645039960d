using System.Text.Json;
using System.Text.Json.Serialization;

namespace Clay.Server.Health;

/// <summary>Source-generated JSON for the health answers.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(HealthReportDto))]
internal sealed partial class HealthJsonContext : JsonSerializerContext;
