namespace Clay.Sdk.Model;

/// <summary><c>list&lt;T&gt;</c>.</summary>
/// <typeparam name="T">The .NET element type.</typeparam>
/// <param name="element">The element's type.</param>
/// <param name="kind">The .NET shape of the list.</param>
public sealed class ListDescriptor<T>(TypeDescriptor element, ListKind kind) : TypeDescriptor
{
    /// <summary>The element's type.</summary>
    public TypeDescriptor Element { get; } = element;

    /// <summary>The .NET shape of the list.</summary>
    public ListKind Kind { get; } = kind;

    /// <inheritdoc/>
    public override TResult Accept<TResult>(ITypeDescriptorVisitor<TResult> visitor) => visitor.VisitList(this);
}
