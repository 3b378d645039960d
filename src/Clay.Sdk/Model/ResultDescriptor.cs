namespace Clay.Sdk.Model;

/// <summary><c>result&lt;T, E&gt;</c> for <see cref="Result{TOk, TError}"/>; a <see cref="Unit"/> side has no type.</summary>
/// <typeparam name="TOk">The .NET success type.</typeparam>
/// <typeparam name="TError">The .NET error type.</typeparam>
/// <param name="ok">The success payload's type, or null for <see cref="Unit"/>.</param>
/// <param name="error">The error payload's type, or null for <see cref="Unit"/>.</param>
public sealed class ResultDescriptor<TOk, TError>(TypeDescriptor? ok, TypeDescriptor? error) : TypeDescriptor
{
    /// <summary>The success payload's type, or null.</summary>
    public TypeDescriptor? Ok { get; } = ok;

    /// <summary>The error payload's type, or null.</summary>
    public TypeDescriptor? Error { get; } = error;

    /// <inheritdoc/>
    public override TResult Accept<TResult>(ITypeDescriptorVisitor<TResult> visitor) => visitor.VisitResult(this);
}
