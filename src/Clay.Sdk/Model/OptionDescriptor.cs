namespace Clay.Sdk.Model;

/// <summary><c>option&lt;T&gt;</c>: a nullable value type or a nullable reference; null is <c>none</c>.</summary>
/// <param name="inner">The type of a present value.</param>
public sealed class OptionDescriptor(TypeDescriptor inner) : TypeDescriptor
{
    /// <summary>The type of a present value.</summary>
    public TypeDescriptor Inner { get; } = inner;

    /// <inheritdoc/>
    public override TResult Accept<TResult>(ITypeDescriptorVisitor<TResult> visitor) => visitor.VisitOption(this);
}
