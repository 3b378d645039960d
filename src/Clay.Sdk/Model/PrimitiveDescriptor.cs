namespace Clay.Sdk.Model;

/// <summary>A primitive: bool, sbyte…long, byte…ulong, float, double, char, <see cref="System.Text.Rune"/>, string.</summary>
/// <param name="clrType">The .NET type.</param>
public sealed class PrimitiveDescriptor(Type clrType) : TypeDescriptor
{
    /// <summary>The .NET type.</summary>
    public Type ClrType { get; } = clrType;

    /// <inheritdoc/>
    public override TResult Accept<TResult>(ITypeDescriptorVisitor<TResult> visitor) => visitor.VisitPrimitive(this);
}
