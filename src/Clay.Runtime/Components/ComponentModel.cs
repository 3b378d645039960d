using System.Collections.Immutable;
using System.Linq.Expressions;
using System.Reflection;
using Clay.Runtime.Components.Converters;
using Clay.Runtime.Components.Generated;
using Clay.Runtime.Errors;
using Clay.Runtime.Types;
using Clay.Sdk;
using Clay.Sdk.Model;

namespace Clay.Runtime.Components;

/// <summary>
/// A component's worker class as Clay sees it: its exported functions with their interface types,
/// and delegates to create instances and call functions. Built once when a component loads: from
/// the model Clay's source generator wrote into the assembly when there is one (plain lambdas, no
/// reflection over members, nothing compiled), else by reflection and compiled expressions.
/// </summary>
public sealed class ComponentModel
{
    private readonly Func<WorkerContext, object> _create;
    private readonly Dictionary<string, ExportedFunction> _byName;

    private ComponentModel(Type workerType, string interfaceName, ImmutableArray<ExportedFunction> functions,
        ImmutableArray<ClayType> namedTypes, Func<WorkerContext, object> create, bool isGenerated)
    {
        WorkerType = workerType;
        InterfaceName = interfaceName;
        Functions = functions;
        NamedTypes = namedTypes;
        IsGenerated = isGenerated;
        _create = create;
        _byName = functions.ToDictionary(f => f.Name, StringComparer.Ordinal);
        InvocationRetry = ReadInvocationRetry(workerType);
    }

    /// <summary>The policy of the class's <see cref="Sdk.InvocationRetryAttribute"/>, checked.</summary>
    private static Sdk.RetryPolicy? ReadInvocationRetry(Type workerType)
    {
        if (workerType.GetCustomAttribute<Sdk.InvocationRetryAttribute>(inherit: false) is not { } retry) return null;
        try
        {
            return Execution.InvocationRetrySettings.Check(retry.ToPolicy(), $"{workerType.Name}'s [InvocationRetry]");
        }
        catch (ClayException ex)
        {
            throw new ComponentValidationException(ErrorCodes.InvalidComponent, [ex.Message]);
        }
    }

    /// <summary>The component's own invocation retry policy (<see cref="Sdk.InvocationRetryAttribute"/>), or null for the server's.</summary>
    public Sdk.RetryPolicy? InvocationRetry { get; }

    /// <summary>True when the model comes from the source generator, false when it was built by reflection.</summary>
    public bool IsGenerated { get; }

    /// <summary>The worker class.</summary>
    public Type WorkerType { get; }

    /// <summary>The interface's name: the kebab-cased class name unless <see cref="ClayWorkerAttribute.Interface"/> says otherwise.</summary>
    public string InterfaceName { get; }

    /// <summary>The exported functions in declaration order.</summary>
    public ImmutableArray<ExportedFunction> Functions { get; }

    /// <summary>Records, variants, enums and flags used by the interface, in first-use order.</summary>
    public ImmutableArray<ClayType> NamedTypes { get; }

    /// <summary>The exported function with exactly this name, or null.</summary>
    public ExportedFunction? FindFunction(string name) => _byName.GetValueOrDefault(name);

    /// <summary>A new instance of the worker class.</summary>
    public object CreateInstance(WorkerContext context) => _create(context);

    /// <summary>Finds the one <c>[ClayWorker]</c> class of <paramref name="assembly"/> and loads it, from its generated model when it has one.</summary>
    /// <exception cref="ComponentValidationException">None, several, or an invalid worker class.</exception>
    public static ComponentModel Load(Assembly assembly)
    {
        var generated = GeneratedModels.In(assembly);
        if (generated.Count == 1) return FromGenerated(GeneratedModels.Instantiate(generated[0]));
        if (generated.Count > 1)
        {
            throw new ComponentValidationException(ErrorCodes.InvalidComponent,
                [$"{assembly.GetName().Name} has {generated.Count} worker classes ({string.Join(", ", generated.Select(g => g.WorkerType.Name))}); a component has exactly one"]);
        }
        Type[] types;
        try
        {
            types = assembly.GetTypes();
        }
        catch (ReflectionTypeLoadException ex)
        {
            throw new ComponentValidationException(ErrorCodes.InvalidComponent,
                [$"{assembly.GetName().Name}: cannot load its types: {ex.LoaderExceptions.FirstOrDefault()?.Message}"]);
        }
        var workers = types.Where(t => t.GetCustomAttribute<ClayWorkerAttribute>() is not null).ToList();
        return workers.Count switch
        {
            1 => FromReflection(workers[0]),
            0 => throw new ComponentValidationException(ErrorCodes.InvalidComponent,
                [$"{assembly.GetName().Name} has no worker class: mark one public class with [ClayWorker]"]),
            _ => throw new ComponentValidationException(ErrorCodes.InvalidComponent,
                [$"{assembly.GetName().Name} has {workers.Count} worker classes ({string.Join(", ", workers.Select(w => w.Name))}); a component has exactly one"]),
        };
    }

    /// <summary>Loads <paramref name="workerType"/> as a worker class: from its generated model when its assembly has one, else by reflection.</summary>
    /// <exception cref="ComponentValidationException">Every problem found, each naming the member and the type.</exception>
    public static ComponentModel FromType(Type workerType) =>
        GeneratedModels.For(workerType) is { } generated ? FromGenerated(generated) : FromReflection(workerType);

    /// <summary>Builds the model from what Clay's source generator wrote: converters from the generated descriptors, no reflection or compilation.</summary>
    public static ComponentModel FromGenerated(IWorkerModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var (functions, namedTypes) = GeneratedModels.Build(model);
        return new ComponentModel(model.WorkerType, model.InterfaceName, [.. functions], [.. namedTypes], model.Factory, isGenerated: true);
    }

    /// <summary>Builds the model of <paramref name="workerType"/> by reflection, compiling delegates: for assemblies built without the generator.</summary>
    /// <exception cref="ComponentValidationException">Every problem found, each naming the member and the type.</exception>
    public static ComponentModel FromReflection(Type workerType)
    {
        var mapper = new TypeMapper();
        var create = Factory(workerType, mapper.Problems);
        var functions = new List<ExportedFunction>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var method in ExportedMethods(workerType))
        {
            var function = FunctionBuilder.Build(workerType, method, mapper);
            if (function is null) continue;
            if (!names.Add(function.Name))
            {
                mapper.Problems.Add($"{workerType.Name}.{method.Name}: another method is also exported as '{function.Name}'; overloads are not supported");
                continue;
            }
            functions.Add(function);
        }
        if (functions.Count == 0 && mapper.Problems.Count == 0) mapper.Problems.Add($"{workerType.Name} exports no public methods");
        if (mapper.Problems.Count > 0)
        {
            var code = mapper.Problems.Any(p => p.Contains("is not supported", StringComparison.Ordinal)) ? ErrorCodes.UnsupportedType : ErrorCodes.InvalidComponent;
            throw new ComponentValidationException(code, mapper.Problems);
        }
        var attribute = workerType.GetCustomAttribute<ClayWorkerAttribute>();
        return new ComponentModel(workerType, attribute?.Interface ?? KebabCase.FromPascal(workerType.Name), [.. functions],
            [.. mapper.NamedTypes], create!, isGenerated: false);
    }

    private static IEnumerable<MethodInfo> ExportedMethods(Type workerType)
    {
        var snapshotMethods = typeof(ISnapshotable).IsAssignableFrom(workerType)
            ? workerType.GetInterfaceMap(typeof(ISnapshotable)).TargetMethods.ToHashSet()
            : [];
        return workerType.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly)
            .Where(m => !m.IsSpecialName && m.GetCustomAttribute<ClayIgnoreAttribute>() is null && !snapshotMethods.Contains(m)
                && m.Name is not ("Equals" or "GetHashCode" or "ToString" or "Deconstruct" or "<Clone>$" or "PrintMembers"))
            .OrderBy(m => m.MetadataToken);
    }

    private static Func<WorkerContext, object>? Factory(Type workerType, List<string> problems)
    {
        if (workerType.IsAbstract || workerType.IsGenericTypeDefinition)
        {
            problems.Add($"{workerType.Name}: a worker class must be a concrete, non-generic class");
            return null;
        }
        var context = Expression.Parameter(typeof(WorkerContext), "context");
        var withContext = workerType.GetConstructor([typeof(WorkerContext)]);
        var parameterless = workerType.GetConstructor(Type.EmptyTypes);
        NewExpression? body = withContext is not null ? Expression.New(withContext, context) : parameterless is not null ? Expression.New(parameterless) : null;
        if (body is null)
        {
            problems.Add($"{workerType.Name}: needs a public constructor taking a WorkerContext, or a parameterless one");
            return null;
        }
        return Expression.Lambda<Func<WorkerContext, object>>(Expression.Convert(body, typeof(object)), context).Compile();
    }
}
