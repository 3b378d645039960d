namespace Clay.Sdk.Model;

/// <summary><c>tuple&lt;…&gt;</c> for a value tuple of up to seven elements.</summary>
/// <param name="elements">The elements' types in order.</param>
/// <param name="create">Builds the boxed tuple from its elements in order.</param>
public sealed class TupleDescriptor(IReadOnlyList<TypeDescriptor> elements, Func<object?[], object> create) : TypeDescriptor
{
    /// <summary>The elements' types in order.</summary>
    public IReadOnlyList<TypeDescriptor> Elements { get; } = elements;

    /// <summary>Builds the boxed tuple from its elements in order.</summary>
    public Func<object?[], object> Create { get; } = create;

    /// <inheritdoc/>
    public override TResult Accept<TResult>(ITypeDescriptorVisitor<TResult> visitor) => visitor.VisitTuple(this);
}
