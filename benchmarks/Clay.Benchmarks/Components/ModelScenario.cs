using System.Diagnostics;
using System.Text.Json;
using Cart;
using Clay.Runtime.Components;
using Clay.Runtime.Values;
using Clay.Sdk.Model;

namespace Clay.Benchmarks.Components;

/// <summary>
/// The generated export model against the reflection model, in one run: loading a component's model,
/// creating workers, and invoking the cart's functions (argument and result conversion included).
/// Each measurement alternates the two models over several rounds and keeps each one's best round.
/// </summary>
public sealed class ModelScenario : IScenario
{
    public string Name => "model";

    public string Description => "generated vs reflection export model: load, activation, invocation (--calls N)";

    public async Task<int> RunAsync(string[] args)
    {
        var calls = Execution.ExecutorScenario.Arg(args, "--calls", 1_000_000);
        var generatedModel = GeneratedModel(typeof(ShoppingCart));
        var context = new BenchWorkerContext();

        var load = await CompareAsync(Math.Max(10, calls / 5_000), _ => ComponentModel.FromGenerated(GeneratedModel(typeof(ShoppingCart))), _ => ComponentModel.FromReflection(typeof(ShoppingCart)));
        var generated = ComponentModel.FromGenerated(generatedModel);
        var reflected = ComponentModel.FromReflection(typeof(ShoppingCart));
        var activate = await CompareAsync(calls, _ => generated.CreateInstance(context), _ => reflected.CreateInstance(context));
        var item = new Value.Record(new RecordField[]
        {
            new("product-id", new Value.String("p1")), new("name", new Value.String("Example product")),
            new("price", new Value.F32(1000f)), new("quantity", new Value.U32(2)),
        });
        var add = await CompareAsync(calls, Invoker(generated, "add-item", [item], context), Invoker(reflected, "add-item", [item], context));
        var contents = await CompareAsync(calls / 4, Invoker(generated, "get-cart-contents", [], context, prefill: item),
            Invoker(reflected, "get-cart-contents", [], context, prefill: item));

        Console.WriteLine("model: the shopping cart's export model, generated at compile time vs built by reflection (ns per operation, best of 6 rounds)");
        Print("load the model", load);
        Print("create a worker", activate);
        Print("invoke add-item", add);
        Print("invoke get-cart-contents (4 items)", contents);
        Console.WriteLine(JsonSerializer.Serialize(new
        {
            scenario = Name,
            calls,
            load_ns = new { generated = Math.Round(load.Generated), reflection = Math.Round(load.Reflection) },
            activate_ns = new { generated = Math.Round(activate.Generated, 1), reflection = Math.Round(activate.Reflection, 1) },
            add_item_ns = new { generated = Math.Round(add.Generated, 1), reflection = Math.Round(add.Reflection, 1) },
            get_cart_contents_ns = new { generated = Math.Round(contents.Generated, 1), reflection = Math.Round(contents.Reflection, 1) },
        }));
        return 0;
    }

    private static IWorkerModel GeneratedModel(Type worker)
    {
        var attribute = worker.Assembly.GetCustomAttributes(typeof(ClayWorkerModelAttribute), false).Cast<ClayWorkerModelAttribute>().Single(a => a.WorkerType == worker);
        return (IWorkerModel)Activator.CreateInstance(attribute.ModelType)!;
    }

    /// <summary>Calls <paramref name="function"/> on a worker that is replaced every 1,000 calls, so its state stays small.</summary>
    private static Func<int, object?> Invoker(ComponentModel model, string function, Value[] arguments, BenchWorkerContext context, Value? prefill = null)
    {
        var exported = model.FindFunction(function)!;
        var add = model.FindFunction("add-item")!;
        object instance = null!;
        return i =>
        {
            if (i % 1000 == 0)
            {
                instance = model.CreateInstance(context);
                if (prefill is not null) for (var k = 0; k < 4; k++) _ = add.InvokeAsync(instance, [prefill]).Result;
            }
            return exported.InvokeAsync(instance, arguments).Result;
        };
    }

    private static async Task<(double Generated, double Reflection)> CompareAsync(int count, Func<int, object?> generated, Func<int, object?> reflection)
    {
        double bestGenerated = double.MaxValue, bestReflection = double.MaxValue;
        // Alternate which model goes first, so neither always runs on a machine warmed (or loaded) by the other.
        for (var round = 0; round < 6; round++)
        {
            if (round % 2 == 0) bestGenerated = Math.Min(bestGenerated, Time(count, generated));
            bestReflection = Math.Min(bestReflection, Time(count, reflection));
            if (round % 2 == 1) bestGenerated = Math.Min(bestGenerated, Time(count, generated));
            await Task.Yield();
        }
        return (bestGenerated, bestReflection);
    }

    private static double Time(int count, Func<int, object?> operation)
    {
        object? sink = null;
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < count; i++) sink = operation(i);
        watch.Stop();
        GC.KeepAlive(sink);
        return watch.Elapsed.TotalMilliseconds * 1_000_000 / count;
    }

    private static void Print(string what, (double Generated, double Reflection) figures) =>
        Console.WriteLine($"  {what,-38} generated {Format(figures.Generated),12}   reflection {Format(figures.Reflection),12}   generated/reflection {figures.Generated / figures.Reflection:F2}x");

    private static string Format(double ns) => ns >= 10_000 ? $"{ns / 1000:F1} µs" : $"{ns:F1} ns";
}
