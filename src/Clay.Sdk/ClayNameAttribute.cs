namespace Clay.Sdk;

/// <summary>
/// Overrides the kebab-case name Clay derives for an exported function, a parameter, a record
/// field, a variant case, an enum case, a flag or a named type.
/// </summary>
[AttributeUsage(AttributeTargets.Method | AttributeTargets.Parameter | AttributeTargets.Property |
                AttributeTargets.Class | AttributeTargets.Struct | AttributeTargets.Enum | AttributeTargets.Field,
                Inherited = false)]
public sealed class ClayNameAttribute(string name) : Attribute
{
    /// <summary>The name to use in the interface.</summary>
    public string Name { get; } = name;
}

/// <summary>Excludes a public method or property from the component's interface.</summary>
[AttributeUsage(AttributeTargets.Method | AttributeTargets.Property, Inherited = false)]
public sealed class ClayIgnoreAttribute : Attribute;
