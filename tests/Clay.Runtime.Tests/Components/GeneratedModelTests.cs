using System.Reflection;
using Clay.Runtime.Components;
using Clay.Runtime.Types;
using Clay.Runtime.Values;
using Clay.Runtime.Wave;
using Clay.Sdk;
using Clay.Sdk.Model;

namespace Clay.Runtime.Tests.Components;

/// <summary>
/// The model the source generator writes must be the reflection model, exactly: the same interface
/// text, the same types, and the same values out of the same calls, for every worker class Clay's
/// tests, templates and reliability harness use.
/// </summary>
public sealed class GeneratedModelTests
{
    private static readonly Assembly[] ComponentAssemblies =
    [
        typeof(Clay.TestComponents.Durability.Counter).Assembly,
        typeof(Clay.Reliability.Ledger).Assembly,
    ];

    public static TheoryData<string> Workers()
    {
        var data = new TheoryData<string>();
        foreach (var assembly in ComponentAssemblies)
        {
            foreach (var worker in WorkerTypes(assembly)) data.Add(worker.AssemblyQualifiedName!);
        }
        return data;
    }

    [Fact]
    public void Every_worker_class_has_a_generated_model()
    {
        foreach (var assembly in ComponentAssemblies)
        {
            var generated = assembly.GetCustomAttributes<ClayWorkerModelAttribute>().Select(a => a.WorkerType).OrderBy(t => t.FullName).ToList();
            Assert.Equal(WorkerTypes(assembly).OrderBy(t => t.FullName).ToList(), generated);
        }
        Assert.Contains(typeof(Cart.ShoppingCart), WorkerTypes(ComponentAssemblies[0]));
        Assert.Contains(typeof(Component.Worker), WorkerTypes(ComponentAssemblies[0]));
    }

    [Theory]
    [MemberData(nameof(Workers))]
    public void The_generated_interface_is_the_reflection_interface(string workerName)
    {
        var worker = Type.GetType(workerName, throwOnError: true)!;
        var attribute = worker.Assembly.GetCustomAttributes<ClayWorkerModelAttribute>().Single(a => a.WorkerType == worker);
        var reflected = ComponentModel.FromReflection(worker);
        var generated = ComponentModel.FromType(worker);

        Assert.True(generated.IsGenerated);
        Assert.False(reflected.IsGenerated);
        var wit = WitPrinter.Print(reflected).ReplaceLineEndings("\n");
        Assert.Equal(wit, attribute.Wit);
        Assert.Equal(wit, WitPrinter.Print(generated).ReplaceLineEndings("\n"));
        Assert.Equal(reflected.InterfaceName, attribute.InterfaceName);
        Assert.Equal(reflected.Functions.Select(f => f.Signature), attribute.Signatures);
        Assert.Equal(reflected.NamedTypes.ToList(), generated.NamedTypes.ToList());
        Assert.Equal(reflected.Functions.Select(f => (f.Name, f.MethodName, f.IsAsync, f.ResultType)),
            generated.Functions.Select(f => (f.Name, f.MethodName, f.IsAsync, f.ResultType)));
        Assert.Equal(reflected.Functions.SelectMany(f => f.Parameters), generated.Functions.SelectMany(f => f.Parameters));
    }

    /// <summary>
    /// Three fresh workers get the same calls in the same order: two through the reflection model and
    /// one through the generated one. Where the two reflection workers agree (a function that reads
    /// process-wide counters does not), the generated worker must give the same value or error.
    /// </summary>
    [Theory]
    [MemberData(nameof(Workers))]
    public async Task Calls_through_the_generated_model_give_the_reflection_models_values(string workerName)
    {
        var worker = Type.GetType(workerName, throwOnError: true)!;
        var reflected = ComponentModel.FromReflection(worker);
        var generated = ComponentModel.FromType(worker);
        var first = reflected.CreateInstance(new ScriptedWorkerContext());
        var viaGenerated = generated.CreateInstance(new ScriptedWorkerContext());
        var second = reflected.CreateInstance(new ScriptedWorkerContext());
        Assert.IsType(worker, viaGenerated);
        var compared = 0;

        foreach (var round in new[] { 2, 3 })
        {
            foreach (var function in reflected.Functions)
            {
                var arguments = function.Parameters.Select((p, i) => SampleValues.Of(p.Type, round + i)).ToList();
                var expected = await OutcomeAsync(function, first, arguments);
                var actual = await OutcomeAsync(generated.FindFunction(function.Name)!, viaGenerated, arguments);
                var again = await OutcomeAsync(function, second, arguments);
                if (expected == again)
                {
                    Assert.True(expected == actual, $"{function.Signature} with {string.Join(", ", arguments.Select(WavePrinter.Print))}: reflection gave {expected}, generated gave {actual}");
                    compared++;
                }
                else
                {
                    Assert.Equal(Kind(expected), Kind(actual));
                }
            }
        }
        Assert.True(compared > 0, "no function of the worker answered the same twice");
    }

    [Fact]
    public void An_assembly_with_a_generated_model_loads_from_it()
    {
        var model = ComponentModel.Load(typeof(Clay.Reliability.Ledger).Assembly);

        Assert.True(model.IsGenerated);
        Assert.Equal(typeof(Clay.Reliability.Ledger), model.WorkerType);
    }

    [Fact]
    public void An_assembly_with_several_generated_models_is_refused_like_one_with_several_worker_classes()
    {
        var error = Assert.Throws<ComponentValidationException>(() => ComponentModel.Load(typeof(Clay.TestComponents.Durability.Counter).Assembly));

        Assert.Contains("worker classes", error.Message);
    }

    [Fact]
    public async Task The_type_catalogue_converts_every_kind_of_value_through_the_generated_model()
    {
        var model = ComponentModel.FromType(typeof(Clay.TestComponents.Model.Catalogue));
        var instance = model.CreateInstance(new ScriptedWorkerContext());
        var sample = WaveParser.Parse(
            "{id: \"a\", tags: [\"x\"], weight: none, note: some(\"n\"), size: (1, 2), shade: very-dark, permissions: {read, share-link}, readings: [5], initial: 'é'}",
            model.FindFunction("put")!.Parameters[0].Type);

        await model.FindFunction("put")!.InvokeAsync(instance, [sample]);
        var found = await model.FindFunction("find")!.InvokeAsync(instance, [new Value.String("a")]);
        var replayed = await model.FindFunction("replay")!.InvokeAsync(instance,
            [new Value.Variant("moved", WaveParser.Parse("{x: 4, y: 5}", model.NamedTypes.Single(t => t is ClayType.Record { Name: "point" }))),
             WaveParser.Parse("{key: \"k\", label: \"l\"}", model.FindFunction("replay")!.Parameters[1].Type)]);
        var shade = await model.FindFunction("shade")!.InvokeAsync(instance, [new Value.Flags(new[] { "write" })]);

        Assert.Equal($"[{WavePrinter.Print(sample)}]", WavePrinter.Print(found!));
        Assert.Equal("renamed({from: \"l\", to: \"k\", times: 4})", WavePrinter.Print(replayed!));
        Assert.Equal(new Value.Enum("very-dark"), shade);
    }

    private static IEnumerable<Type> WorkerTypes(Assembly assembly) =>
        assembly.GetTypes().Where(t => t.GetCustomAttribute<ClayWorkerAttribute>() is not null);

    /// <summary>A call's outcome as text: its value in WAVE, nothing, or the error's type and message.</summary>
    private static async Task<string> OutcomeAsync(ExportedFunction function, object instance, IReadOnlyList<Value> arguments)
    {
        try
        {
            var value = await function.InvokeAsync(instance, arguments);
            return value is null ? "(nothing)" : "value " + WavePrinter.Print(value);
        }
        catch (Exception ex) when (ex is not Xunit.Sdk.XunitException)
        {
            return $"error {ex.GetType().Name}: {ex.Message}";
        }
    }

    private static string Kind(string outcome) => outcome.Split(' ')[0];
}
