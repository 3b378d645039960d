namespace Clay.Sdk.Model;

/// <summary>A named record for a .NET record, class or struct with public properties.</summary>
/// <param name="clrType">The .NET type.</param>
/// <param name="name">The interface name.</param>
/// <param name="fields">The fields in order.</param>
/// <param name="create">Builds an instance from the fields' values in order.</param>
public sealed class RecordDescriptor(Type clrType, string name, IReadOnlyList<FieldDescriptor> fields, Func<object?[], object> create) : TypeDescriptor
{
    /// <summary>The .NET type.</summary>
    public Type ClrType { get; } = clrType;

    /// <summary>The interface name.</summary>
    public string Name { get; } = name;

    /// <summary>The fields in order.</summary>
    public IReadOnlyList<FieldDescriptor> Fields { get; } = fields;

    /// <summary>Builds an instance from the fields' values in order.</summary>
    public Func<object?[], object> Create { get; } = create;

    /// <inheritdoc/>
    public override TResult Accept<TResult>(ITypeDescriptorVisitor<TResult> visitor) => visitor.VisitRecord(this);
}

/// <summary>A field of a record.</summary>
/// <param name="Name">Its kebab-case name.</param>
/// <param name="Type">Its type.</param>
/// <param name="Get">Reads the field's value from an instance.</param>
public sealed record FieldDescriptor(string Name, TypeDescriptor Type, Func<object, object?> Get);
