namespace Clay.Sdk.Model;

/// <summary>A parameter of an exported function.</summary>
/// <param name="Name">Its kebab-case name.</param>
/// <param name="Type">Its type.</param>
public sealed record ParameterDescriptor(string Name, TypeDescriptor Type);
