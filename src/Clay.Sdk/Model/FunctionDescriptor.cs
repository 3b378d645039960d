namespace Clay.Sdk.Model;

/// <summary>One exported function of a generated worker model.</summary>
/// <param name="Name">The exported name, for example <c>add-item</c>.</param>
/// <param name="MethodName">The .NET method's name.</param>
/// <param name="Parameters">The parameters in order.</param>
/// <param name="Result">The result's type, or null for a function without one.</param>
/// <param name="Shape">Whether the method returns a task.</param>
/// <param name="Invoke">
/// Calls the method on a worker instance with arguments of the parameters' .NET types; returns the
/// method's result (boxed), null for <c>void</c>, or the task for an asynchronous method.
/// </param>
/// <param name="TaskResult">For an asynchronous method with a result: reads the result of the completed task.</param>
public sealed record FunctionDescriptor(
    string Name,
    string MethodName,
    IReadOnlyList<ParameterDescriptor> Parameters,
    TypeDescriptor? Result,
    FunctionShape Shape,
    Func<object, object?[], object?> Invoke,
    Func<Task, object?>? TaskResult);
