namespace Clay.Sdk;

/// <summary>
/// Marks the worker class of a component. Its public instance methods are the component's
/// exported functions, named in kebab-case (<c>AddItem</c> → <c>add-item</c>).
/// </summary>
/// <remarks>
/// The class may have a constructor that takes a <see cref="WorkerContext"/>; otherwise it needs a
/// parameterless one. A component has exactly one worker class.
/// </remarks>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class ClayWorkerAttribute : Attribute
{
    /// <summary>The interface name shown by <c>clay component get</c>; defaults to the kebab-cased class name.</summary>
    public string? Interface { get; init; }
}
