namespace Clay.Sdk.Model;

/// <summary>A named enum for a .NET enum without <see cref="FlagsAttribute"/>.</summary>
/// <param name="clrType">The .NET enum.</param>
/// <param name="name">The interface name.</param>
/// <param name="cases">Each case's name and boxed value, in declaration order.</param>
public sealed class EnumDescriptor(Type clrType, string name, IReadOnlyList<EnumCaseDescriptor> cases) : TypeDescriptor
{
    /// <summary>The .NET enum.</summary>
    public Type ClrType { get; } = clrType;

    /// <summary>The interface name.</summary>
    public string Name { get; } = name;

    /// <summary>Each case's name and boxed value, in declaration order.</summary>
    public IReadOnlyList<EnumCaseDescriptor> Cases { get; } = cases;

    /// <inheritdoc/>
    public override TResult Accept<TResult>(ITypeDescriptorVisitor<TResult> visitor) => visitor.VisitEnum(this);
}

/// <summary>A case of an enum.</summary>
/// <param name="Name">Its kebab-case name.</param>
/// <param name="Value">The boxed .NET enum value.</param>
public sealed record EnumCaseDescriptor(string Name, object Value);
