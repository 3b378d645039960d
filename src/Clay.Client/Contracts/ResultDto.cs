using System.Text.Json;

namespace Clay.Client.Contracts;

/// <summary>The result of an invocation, in WAVE and as JSON.</summary>
/// <param name="Wave">The WAVE text of the result.</param>
/// <param name="Json">The same value as JSON (see docs/wave.md).</param>
public sealed record ResultDto(string Wave, JsonElement Json);
