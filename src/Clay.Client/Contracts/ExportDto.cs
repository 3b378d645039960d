namespace Clay.Client.Contracts;

/// <summary>An exported function.</summary>
/// <param name="Name">The function name, for example <c>add-item</c>.</param>
/// <param name="Signature">Its signature, for example <c>add-item(item: product-item)</c>.</param>
public sealed record ExportDto(string Name, string Signature);
