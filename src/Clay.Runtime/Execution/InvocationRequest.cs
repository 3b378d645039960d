using Clay.Runtime.Components;
using Clay.Runtime.Errors;
using Clay.Runtime.Types;
using Clay.Runtime.Values;

namespace Clay.Runtime.Execution;

/// <summary>
/// What a caller asks of a worker: a function, as the caller names it, and its arguments, typed
/// behind the worker's door against the component version that worker runs.
/// </summary>
/// <param name="Function">The function's name: exact, a unique part of it, or a full <c>pkg:name/iface.{fn}</c> name.</param>
/// <param name="Arguments">The arguments, as WAVE text or as values.</param>
/// <param name="IdempotencyKey">The key; null to have one generated. The same key twice runs the function once.</param>
public sealed record InvocationRequest(string Function, InvocationArguments Arguments, string? IdempotencyKey = null)
{
    /// <summary>
    /// When a worker calls: the workers waiting on this request, outermost first (<c>component/worker</c>).
    /// A worker on it is busy waiting, so a request to it would never be served: it is refused.
    /// </summary>
    public IReadOnlyList<string>? CallChain { get; init; }

    /// <summary>When set, an enqueued request is scheduled to start at this time instead of as soon as possible.</summary>
    public DateTimeOffset? ScheduleAt { get; init; }

    /// <summary>
    /// Set by a caller that has just found the worker without an oplog, and has admitted it under the
    /// worker quota: a worker not in memory is then created on this version (its component's latest)
    /// without asking the store, the catalog or the quota again. Were the worker to have an oplog by
    /// then, the store would refuse the creation's commit.
    /// </summary>
    public LoadedComponent? NewWorkerOn { get; init; }

    /// <summary>A request with arguments given as values.</summary>
    public static InvocationRequest Of(string function, IReadOnlyList<Value> arguments, string? idempotencyKey = null) =>
        new(function, new InvocationArguments.Typed(arguments), idempotencyKey);

    /// <summary>
    /// Resolves the function in <paramref name="component"/> and types the arguments against its
    /// signature. Nothing is recorded for a request that does not fit. A request written by a person
    /// (WAVE text) may name the function by a unique part of its name, as Golem's CLI allows; a
    /// request with values (from code) must name it exactly.
    /// </summary>
    /// <exception cref="ClayException"><c>function-not-found</c>, <c>invalid-arguments</c> or <c>invalid-wave-value</c>.</exception>
    public (ExportedFunction Function, Value[] Arguments) Bind(LoadedComponent component)
    {
        ArgumentNullException.ThrowIfNull(component);
        var function = Arguments is InvocationArguments.Wave
            ? FunctionResolver.Resolve(component.Name, component.Model, Function)
            : component.Model.FindFunction(Function)
              ?? throw new FunctionNotFoundException(component.Name, Function, component.Model.Functions.Select(f => f.Name));
        return (function, Arguments.Bind(function));
    }
}

/// <summary>The arguments of an <see cref="InvocationRequest"/>.</summary>
public abstract record InvocationArguments
{
    private InvocationArguments()
    {
    }

    /// <summary>Checks the arguments against <paramref name="function"/>'s parameters and returns them as values.</summary>
    internal abstract Value[] Bind(ExportedFunction function);

    /// <summary>One WAVE text per parameter, typed by the function's signature.</summary>
    /// <param name="Texts">The texts.</param>
    public sealed record Wave(IReadOnlyList<string> Texts) : InvocationArguments
    {
        internal override Value[] Bind(ExportedFunction function) => ArgumentParser.Parse(function, Texts);
    }

    /// <summary>Values, checked against the function's parameter types.</summary>
    /// <param name="Values">The values.</param>
    public sealed record Typed(IReadOnlyList<Value> Values) : InvocationArguments
    {
        internal override Value[] Bind(ExportedFunction function)
        {
            var parameters = function.Parameters;
            if (Values.Count != parameters.Length)
            {
                throw new ClayException(ErrorCodes.InvalidArguments,
                    $"{function.Name} takes {parameters.Length} argument{(parameters.Length == 1 ? "" : "s")} but {Values.Count} {(Values.Count == 1 ? "was" : "were")} given; expected {function.Signature}");
            }
            var values = new Value[Values.Count];
            for (var i = 0; i < values.Length; i++)
            {
                if (ValueTypeCheck.Mismatch(Values[i], parameters[i].Type) is { } mismatch)
                {
                    throw new ClayException(ErrorCodes.InvalidArguments,
                        $"argument {i + 1} ({parameters[i].Name}: {WitPrinter.PrintType(parameters[i].Type)}) of {function.Name}: {mismatch}");
                }
                values[i] = Values[i];
            }
            return values;
        }
    }
}
