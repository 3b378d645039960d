using System.Linq.Expressions;
using Clay.Runtime.Components;
using Clay.Runtime.Values;

namespace Clay.Testing.Workers;

/// <summary>
/// A call of a worker method written as a lambda (<c>c =&gt; c.AddItem(item)</c>), turned into what an
/// invocation carries: the exported function and its arguments as values. The arguments are
/// evaluated once, in the test, before the invocation is sent; the lambda itself never runs.
/// </summary>
internal static class CallExpression
{
    /// <summary>The exported function <paramref name="call"/> names and its arguments.</summary>
    /// <exception cref="ArgumentException">The lambda is not one call of an exported method of the worker.</exception>
    public static (ExportedFunction Function, Value[] Arguments) Bind(ComponentModel model, LambdaExpression call)
    {
        ArgumentNullException.ThrowIfNull(call);
        var body = call.Body is UnaryExpression { NodeType: ExpressionType.Convert } convert ? convert.Operand : call.Body;
        if (body is not MethodCallExpression method || method.Object != call.Parameters[0])
        {
            throw new ArgumentException($"'{call}' is not a call of a method of the worker: write it as w => w.Method(arguments)", nameof(call));
        }
        var function = model.Functions.FirstOrDefault(f => f.MethodName == method.Method.Name)
            ?? throw new ArgumentException($"{model.WorkerType.Name}.{method.Method.Name} is not an exported function of the component", nameof(call));
        var arguments = new object?[method.Arguments.Count];
        for (var i = 0; i < arguments.Length; i++) arguments[i] = Evaluate(method.Arguments[i], call.Parameters[0]);
        return (function, function.ToValues(arguments));
    }

    private static object? Evaluate(Expression argument, ParameterExpression worker)
    {
        if (argument is ConstantExpression constant) return constant.Value;
        if (new WorkerReference(worker).Finds(argument))
        {
            throw new ArgumentException($"the argument '{argument}' reads the worker itself: arguments are values the test passes in", nameof(argument));
        }
        // Interpreted, not compiled: it runs once per call in a test.
        return Expression.Lambda<Func<object?>>(Expression.Convert(argument, typeof(object))).Compile(preferInterpretation: true)();
    }

    /// <summary>Finds uses of the lambda's parameter inside an argument.</summary>
    private sealed class WorkerReference(ParameterExpression worker) : ExpressionVisitor
    {
        private bool _found;

        public bool Finds(Expression expression)
        {
            Visit(expression);
            return _found;
        }

        protected override Expression VisitParameter(ParameterExpression node)
        {
            _found |= node == worker;
            return node;
        }
    }
}
