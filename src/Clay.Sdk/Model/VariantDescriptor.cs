namespace Clay.Sdk.Model;

/// <summary>A named variant for an abstract record whose sealed subclasses are the cases.</summary>
/// <param name="clrType">The abstract .NET type.</param>
/// <param name="name">The interface name.</param>
/// <param name="cases">The cases in order.</param>
public sealed class VariantDescriptor(Type clrType, string name, IReadOnlyList<CaseDescriptor> cases) : TypeDescriptor
{
    /// <summary>The abstract .NET type.</summary>
    public Type ClrType { get; } = clrType;

    /// <summary>The interface name.</summary>
    public string Name { get; } = name;

    /// <summary>The cases in order.</summary>
    public IReadOnlyList<CaseDescriptor> Cases { get; } = cases;

    /// <inheritdoc/>
    public override TResult Accept<TResult>(ITypeDescriptorVisitor<TResult> visitor) => visitor.VisitVariant(this);
}

/// <summary>
/// A case of a variant: a case without properties has no payload, a case with one property carries
/// that property's value, and a case with several carries a record of them.
/// </summary>
/// <param name="Name">Its kebab-case name.</param>
/// <param name="ClrType">The sealed .NET subclass.</param>
/// <param name="Payload">The payload's type, or null.</param>
/// <param name="GetPayload">Reads the payload from an instance of the case; null when there is no payload.</param>
/// <param name="Create">Builds an instance of the case from its payload (null when there is none).</param>
public sealed record CaseDescriptor(string Name, Type ClrType, TypeDescriptor? Payload, Func<object, object?>? GetPayload, Func<object?, object> Create);
