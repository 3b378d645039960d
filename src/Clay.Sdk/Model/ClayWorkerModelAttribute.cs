using System.Diagnostics.CodeAnalysis;

namespace Clay.Sdk.Model;

/// <summary>
/// Written by Clay's source generator into a component assembly, once per <c>[ClayWorker]</c> class:
/// points at the generated <see cref="IWorkerModel"/> and carries the interface as text, so a tool can
/// read a component's interface from the assembly's metadata without loading it.
/// </summary>
/// <param name="workerType">The worker class.</param>
/// <param name="modelType">The generated class implementing <see cref="IWorkerModel"/>.</param>
/// <param name="interfaceName">The interface's name.</param>
/// <param name="wit">The whole interface in WIT-like text, as <c>clay component get</c> prints it.</param>
/// <param name="signatures">Each exported function's signature, for example <c>add-item(item: product-item)</c>, in declaration order.</param>
[AttributeUsage(AttributeTargets.Assembly, AllowMultiple = true, Inherited = false)]
public sealed class ClayWorkerModelAttribute(
    Type workerType,
    [DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicParameterlessConstructor)] Type modelType,
    string interfaceName,
    string wit,
    string[] signatures) : Attribute
{
    /// <summary>The worker class.</summary>
    public Type WorkerType { get; } = workerType;

    /// <summary>The generated class implementing <see cref="IWorkerModel"/>; it has a public parameterless constructor.</summary>
    [DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicParameterlessConstructor)]
    public Type ModelType { get; } = modelType;

    /// <summary>The interface's name.</summary>
    public string InterfaceName { get; } = interfaceName;

    /// <summary>The whole interface in WIT-like text.</summary>
    public string Wit { get; } = wit;

    /// <summary>Each exported function's signature, in declaration order.</summary>
    public IReadOnlyList<string> Signatures { get; } = signatures;
}
