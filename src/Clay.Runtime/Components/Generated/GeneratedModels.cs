using System.Reflection;
using Clay.Runtime.Components.Converters;
using Clay.Runtime.Errors;
using Clay.Sdk.Model;

namespace Clay.Runtime.Components.Generated;

/// <summary>Finds the models Clay's source generator wrote into a component assembly, and turns one into a <see cref="ComponentModel"/>.</summary>
internal static class GeneratedModels
{
    /// <summary>The generated models' attributes in <paramref name="assembly"/>; empty for an assembly built without the generator.</summary>
    public static IReadOnlyList<ClayWorkerModelAttribute> In(Assembly assembly) =>
        [.. assembly.GetCustomAttributes<ClayWorkerModelAttribute>()];

    /// <summary>The generated model of <paramref name="workerType"/>, or null.</summary>
    public static IWorkerModel? For(Type workerType)
    {
        var attribute = In(workerType.Assembly).FirstOrDefault(a => a.WorkerType == workerType);
        return attribute is null ? null : Instantiate(attribute);
    }

    public static IWorkerModel Instantiate(ClayWorkerModelAttribute attribute) =>
        Activator.CreateInstance(attribute.ModelType) as IWorkerModel
        ?? throw new ComponentValidationException(ErrorCodes.InvalidComponent,
            [$"{attribute.ModelType.FullName} is not a generated worker model; rebuild the component with this version of Clay.Sdk"]);

    /// <summary>The functions of <paramref name="model"/> with converters built from its descriptors, and its named types.</summary>
    public static (IReadOnlyList<ExportedFunction> Functions, IReadOnlyList<Types.ClayType> NamedTypes) Build(IWorkerModel model)
    {
        var converters = new DescriptorConverters();
        var functions = new List<ExportedFunction>(model.Functions.Count);
        foreach (var function in model.Functions)
        {
            var parameters = function.Parameters.Select(p => converters.Convert(p.Type)).ToArray();
            ValueConverter? result = function.Result is null ? null : converters.Convert(function.Result);
            functions.Add(new ExportedFunction(function.Name, function.MethodName,
                [.. function.Parameters.Select((p, i) => new FunctionParameter(p.Name, parameters[i].Type))], parameters, result,
                function.Invoke, function.Shape == FunctionShape.Sync ? ExportedFunction.ReturnShape.Sync : ExportedFunction.ReturnShape.Task,
                function.TaskResult));
        }
        return (functions, converters.NamedTypes);
    }
}
