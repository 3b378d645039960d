using System.Linq.Expressions;
using System.Reflection;
using Clay.Runtime.Components.Converters;

namespace Clay.Runtime.Components;

/// <summary>Builds an <see cref="ExportedFunction"/> from a method: maps its signature and compiles its invoker.</summary>
internal static class FunctionBuilder
{
    public static ExportedFunction? Build(Type workerType, MethodInfo method, TypeMapper mapper)
    {
        var where = $"{workerType.Name}.{method.Name}";
        if (method.IsGenericMethodDefinition)
        {
            mapper.Problems.Add($"{where}: generic methods cannot be exported");
            return null;
        }
        var context = new NullabilityInfoContext();
        var parameters = method.GetParameters();
        var converters = new ValueConverter[parameters.Length];
        var ok = true;
        foreach (var (parameter, i) in parameters.Select((p, i) => (p, i)))
        {
            if (parameter.ParameterType.IsByRef)
            {
                mapper.Problems.Add($"{where}({parameter.Name}): ref and out parameters are not supported");
                ok = false;
                continue;
            }
            var converter = mapper.Map(parameter.ParameterType, context.Create(parameter), $"{where}({parameter.Name})");
            if (converter is null) ok = false;
            else converters[i] = converter;
        }

        var (resultType, shape) = Unwrap(method.ReturnType);
        ValueConverter? result = null;
        if (resultType is not null)
        {
            var nullability = context.Create(method.ReturnParameter);
            if (shape == ExportedFunction.ReturnShape.Task) nullability = nullability.GenericTypeArguments.FirstOrDefault() ?? nullability;
            result = mapper.Map(resultType, nullability, $"{where} result");
            if (result is null) ok = false;
        }
        if (!ok) return null;

        // .NET names asynchronous methods FooAsync; the exported function is foo (ClayName overrides).
        var name = method.GetCustomAttribute<Sdk.ClayNameAttribute>() is null && shape == ExportedFunction.ReturnShape.Task
                   && method.Name.Length > "Async".Length && method.Name.EndsWith("Async", StringComparison.Ordinal)
            ? KebabCase.FromPascal(method.Name[..^"Async".Length])
            : TypeMapper.NameOf(method);
        var functionParameters = parameters.Select((p, i) => new FunctionParameter(
            p.GetCustomAttribute<Sdk.ClayNameAttribute>()?.Name ?? KebabCase.FromPascal(p.Name ?? $"arg{i}"), converters[i].Type)).ToArray();
        return new ExportedFunction(name, method.Name, [.. functionParameters], converters, result, CompileCall(workerType, method), shape,
            resultType is null || shape == ExportedFunction.ReturnShape.Sync ? null : CompileTaskResult(resultType));
    }

    /// <summary>The result type a caller sees, and whether the method returns a task.</summary>
    private static (Type? Result, ExportedFunction.ReturnShape Shape) Unwrap(Type returnType)
    {
        if (returnType == typeof(void)) return (null, ExportedFunction.ReturnShape.Sync);
        if (returnType == typeof(Task) || returnType == typeof(ValueTask)) return (null, ExportedFunction.ReturnShape.Task);
        if (returnType.IsGenericType)
        {
            var definition = returnType.GetGenericTypeDefinition();
            if (definition == typeof(Task<>) || definition == typeof(ValueTask<>)) return (returnType.GetGenericArguments()[0], ExportedFunction.ReturnShape.Task);
        }
        return (returnType, ExportedFunction.ReturnShape.Sync);
    }

    /// <summary>(instance, args) → the method's return value; value tasks are turned into tasks.</summary>
    private static Func<object, object?[], object?> CompileCall(Type workerType, MethodInfo method)
    {
        var instance = Expression.Parameter(typeof(object), "instance");
        var args = Expression.Parameter(typeof(object?[]), "args");
        var call = Expression.Call(Expression.Convert(instance, workerType), method,
            method.GetParameters().Select((p, i) => (Expression)Expression.Convert(Expression.ArrayIndex(args, Expression.Constant(i)), p.ParameterType)));
        Expression body = method.ReturnType switch
        {
            var t when t == typeof(void) => Expression.Block(call, Expression.Constant(null, typeof(object))),
            var t when t == typeof(ValueTask) || (t.IsGenericType && t.GetGenericTypeDefinition() == typeof(ValueTask<>)) =>
                Expression.Convert(Expression.Call(call, t.GetMethod(nameof(ValueTask.AsTask))!), typeof(object)),
            _ => Expression.Convert(call, typeof(object)),
        };
        return Expression.Lambda<Func<object, object?[], object?>>(body, instance, args).Compile();
    }

    private static Func<Task, object?> CompileTaskResult(Type resultType)
    {
        var task = Expression.Parameter(typeof(Task), "task");
        var taskType = typeof(Task<>).MakeGenericType(resultType);
        var body = Expression.Convert(Expression.Property(Expression.Convert(task, taskType), "Result"), typeof(object));
        return Expression.Lambda<Func<Task, object?>>(body, task).Compile();
    }
}
