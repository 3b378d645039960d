using System.Text.Json.Serialization;

namespace Clay.Cli.Output;

/// <summary>Source-generated JSON metadata: the CLI serializes without reflection.</summary>
[JsonSerializable(typeof(string))]
[JsonSerializable(typeof(Apps.CliProfile))]
[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
public sealed partial class CliJson : JsonSerializerContext;
