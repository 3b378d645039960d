namespace Clay.Sdk.Model;

/// <summary>
/// The export model of one worker class, generated at compile time: its interface, its functions
/// with typed invokers, and a factory for instances. Nothing in it uses reflection or compiles
/// expressions, so a runtime can load a component without either.
/// </summary>
public interface IWorkerModel
{
    /// <summary>The worker class.</summary>
    Type WorkerType { get; }

    /// <summary>The interface's name: the kebab-cased class name unless <see cref="ClayWorkerAttribute.Interface"/> says otherwise.</summary>
    string InterfaceName { get; }

    /// <summary>The whole interface in WIT-like text.</summary>
    string Wit { get; }

    /// <summary>The exported functions in declaration order.</summary>
    IReadOnlyList<FunctionDescriptor> Functions { get; }

    /// <summary>Creates an instance of the worker class for a worker with this context.</summary>
    Func<WorkerContext, object> Factory { get; }
}
