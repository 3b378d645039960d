using System.Collections.Immutable;
using Clay.Runtime.Components.Converters;
using Clay.Runtime.Types;
using Clay.Runtime.Values;

namespace Clay.Runtime.Components;

/// <summary>A parameter of an exported function.</summary>
/// <param name="Name">Kebab-case name.</param>
/// <param name="Type">Its interface type.</param>
public sealed record FunctionParameter(string Name, ClayType Type);

/// <summary>
/// One exported function: its interface signature and a compiled invoker that converts Clay values
/// to .NET arguments, calls the method and converts the result back.
/// </summary>
public sealed class ExportedFunction
{
    private readonly ValueConverter[] _parameters;
    private readonly ValueConverter? _result;
    private readonly Func<object, object?[], object?> _call;
    private readonly ReturnShape _shape;
    private readonly Func<Task, object?>? _taskResult;

    internal ExportedFunction(string name, string methodName, ImmutableArray<FunctionParameter> parameters, ValueConverter[] converters,
        ValueConverter? result, Func<object, object?[], object?> call, ReturnShape shape, Func<Task, object?>? taskResult)
    {
        Name = name;
        MethodName = methodName;
        Parameters = parameters;
        _parameters = converters;
        _result = result;
        _call = call;
        _shape = shape;
        _taskResult = taskResult;
    }

    /// <summary>The exported name, for example <c>add-item</c>.</summary>
    public string Name { get; }

    /// <summary>The .NET method's name.</summary>
    public string MethodName { get; }

    /// <summary>The parameters in order.</summary>
    public ImmutableArray<FunctionParameter> Parameters { get; }

    /// <summary>The result type, or null for a function without a result.</summary>
    public ClayType? ResultType => _result?.Type;

    /// <summary>True when the method returns a task.</summary>
    public bool IsAsync => _shape != ReturnShape.Sync;

    /// <summary>The signature, for example <c>add-item(item: product-item)</c> or <c>checkout() -> checkout-result</c>.</summary>
    public string Signature =>
        $"{Name}({string.Join(", ", Parameters.Select(p => $"{p.Name}: {WitPrinter.PrintType(p.Type)}"))})"
        + (ResultType is null ? "" : $" -> {WitPrinter.PrintType(ResultType)}");

    /// <summary>Calls the function on <paramref name="instance"/>; exceptions thrown by the method propagate unwrapped.</summary>
    /// <exception cref="InvalidArgumentsException">Wrong count or an argument that does not fit its parameter.</exception>
    public ValueTask<Value?> InvokeAsync(object instance, IReadOnlyList<Value> arguments)
    {
        if (arguments.Count != _parameters.Length)
        {
            throw new InvalidArgumentsException($"{Name} takes {_parameters.Length} argument{(_parameters.Length == 1 ? "" : "s")} but {arguments.Count} {(arguments.Count == 1 ? "was" : "were")} given; expected {Signature}");
        }
        var args = new object?[arguments.Count];
        for (var i = 0; i < args.Length; i++)
        {
            try
            {
                args[i] = _parameters[i].FromValue(arguments[i]);
            }
            catch (ValueMismatchException ex)
            {
                throw new InvalidArgumentsException($"argument {i + 1} ({Parameters[i].Name}) of {Signature}: {ex.Message}");
            }
        }
        var returned = _call(instance, args);
        return _shape switch
        {
            ReturnShape.Sync => new ValueTask<Value?>(_result?.ToValue(returned)),
            _ => AwaitAsync((Task)returned!),
        };
    }

    /// <summary>
    /// The .NET arguments of a call of the method (as a caller in code has them) as values of the
    /// function's parameters: what an invocation of it carries.
    /// </summary>
    /// <exception cref="InvalidArgumentsException">Wrong count.</exception>
    public Value[] ToValues(IReadOnlyList<object?> arguments)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        if (arguments.Count != _parameters.Length)
        {
            throw new InvalidArgumentsException($"{Name} takes {_parameters.Length} argument{(_parameters.Length == 1 ? "" : "s")} but {arguments.Count} {(arguments.Count == 1 ? "was" : "were")} given; expected {Signature}");
        }
        var values = new Value[arguments.Count];
        for (var i = 0; i < values.Length; i++) values[i] = _parameters[i].ToValue(arguments[i]);
        return values;
    }

    /// <summary>
    /// The function's result value as the .NET object the method returns (for a method returning a
    /// task, what the task completes with); null for a function without a result.
    /// </summary>
    public object? FromResult(Value? result) => _result is null || result is null ? null : _result.FromValue(result);

    private async ValueTask<Value?> AwaitAsync(Task task)
    {
        await task.ConfigureAwait(true);
        return _result is null ? null : _result.ToValue(_taskResult!(task));
    }

    internal enum ReturnShape
    {
        Sync,
        Task,
    }
}
