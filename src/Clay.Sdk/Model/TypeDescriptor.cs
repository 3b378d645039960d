namespace Clay.Sdk.Model;

/// <summary>
/// How a .NET type maps to an interface type, with the delegates a runtime needs to convert values
/// of it. A closed hierarchy: a runtime handles every case through <see cref="ITypeDescriptorVisitor{TResult}"/>.
/// </summary>
public abstract class TypeDescriptor
{
    private protected TypeDescriptor() { }

    /// <summary>Calls the visitor's method for this kind of type.</summary>
    public abstract TResult Accept<TResult>(ITypeDescriptorVisitor<TResult> visitor);
}
