using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Testing;

namespace Clay.Sdk.Analyzers.Tests;

public sealed class GeneratorTests
{
    private const string Usings = """
        using System;
        using System.Collections.Generic;
        using System.Threading.Tasks;
        using Clay.Sdk;

        """;

    [Fact]
    public void The_interface_of_a_cart_lists_its_types_innermost_first_then_its_functions()
    {
        var wit = GeneratorDriver.Wit(Usings + """
            namespace Shop;

            public sealed record LineItem(string ProductId, uint Quantity, double? Discount);

            public abstract record Outcome
            {
                private Outcome() { }
                public sealed record Placed(string OrderId, IReadOnlyList<LineItem> Items) : Outcome;
                public sealed record Rejected(string Reason) : Outcome;
                public sealed record Empty : Outcome;
            }

            [Flags]
            public enum Options { None = 0, Gift = 1, Express = 2 }

            [ClayWorker]
            public sealed class Cart(WorkerContext context)
            {
                private readonly List<LineItem> _items = new();

                public void AddItem(LineItem item) => _items.Add(item);
                public async Task<Outcome> CheckoutAsync(Options options)
                {
                    await context.SleepAsync(TimeSpan.Zero);
                    return new Outcome.Empty();
                }
                public Result<Unit, string> Validate() => Result<Unit, string>.Ok(Unit.Value);
                public (string, int?)[] Summary() => Array.Empty<(string, int?)>();
                [ClayName("drop")] public bool RemoveItem([ClayName("id")] string productId) => _items.RemoveAll(i => i.ProductId == productId) > 0;
                [ClayIgnore] public void Debug() { }
            }
            """, "Shop.Cart");

        Assert.Equal("""
            interface cart {
              record line-item {
                product-id: string,
                quantity: u32,
                discount: option<f64>,
              }

              flags options {
                gift,
                express,
              }

              record outcome-placed {
                order-id: string,
                items: list<line-item>,
              }

              variant outcome {
                placed(outcome-placed),
                rejected(string),
                empty,
              }

              add-item: func(item: line-item);
              checkout: func(options: options) -> outcome;
              validate: func() -> result<_, string>;
              summary: func() -> list<tuple<string, option<s32>>>;
              drop: func(id: string) -> bool;
            }
            """.ReplaceLineEndings("\n"), wit);
    }

    [Fact]
    public void The_interface_name_and_type_names_follow_the_attributes()
    {
        var wit = GeneratorDriver.Wit(Usings + """
            [ClayName("point-2d")]
            public struct Point { public int X { get; set; } public int Y { get; set; } }

            public enum Mode { Fast, [ClayName("very-slow")] Slow }

            [ClayWorker(Interface = "geometry")]
            public sealed class HTTPShapes
            {
                public Point Move(Point from, Mode mode) => from;
                public ValueTask<long> CountAsync() => new(0);
            }
            """, "HTTPShapes");

        Assert.Equal("""
            interface geometry {
              record point-2d {
                x: s32,
                y: s32,
              }

              enum mode {
                fast,
                very-slow,
              }

              move: func(from: point-2d, mode: mode) -> point-2d;
              count: func() -> s64;
            }
            """.ReplaceLineEndings("\n"), wit);
    }

    [Fact]
    public void The_generated_model_compiles_without_warnings_for_every_shape()
    {
        var (_, diagnostics) = GeneratorDriver.Run(Usings + """
            using System.Collections.Immutable;

            public sealed class Settings { public string Name { get; set; } = ""; public int? Limit { get; init; } }
            public record Entity(string Key);
            public sealed record Named(string Key, string? Label) : Entity(Key);
            public abstract class Shape { }
            public sealed class Circle : Shape { public Circle(double radius) => Radius = radius; public double Radius { get; } }
            public sealed class Dot : Shape { }

            [ClayWorker]
            public sealed class Everything
            {
                public void Take(bool a, sbyte b, short c, int d, long e, byte f, ushort g, uint h, ulong i, float j, double k, char l, System.Text.Rune m, string n) { }
                public ImmutableArray<int> Lists(int[] a, List<string?> b, IEnumerable<long> c, IReadOnlyCollection<Named> d) => ImmutableArray<int>.Empty;
                public Settings Configure(Settings settings, Shape shape) => settings;
                public Task Wait() => Task.CompletedTask;
                public ValueTask<Named?> Find(string key) => new((Named?)null);
                public Result<(int, string), Unit> Pair() => Result<(int, string), Unit>.Err(Unit.Value);
            }
            """);

        Assert.Empty(diagnostics);
    }

    [Fact]
    public Task The_generated_source_of_a_small_worker() =>
        Verify.GeneratorAsync(Usings + """
            namespace Demo;

            public sealed record Item(string Name, uint Count);

            [ClayWorker]
            public sealed class Box
            {
                public uint Put(Item item) => item.Count;
            }
            """, [("Demo.Box.ClayModel.g.cs", GeneratedBox)]);

    private const string GeneratedBox = """
        // <auto-generated/>
        #nullable enable

        [assembly: global::Clay.Sdk.Model.ClayWorkerModel(typeof(global::Demo.Box), typeof(global::Clay.Generated.Demo_Box_ClayModel), "box", global::Clay.Generated.Demo_Box_ClayModel.Interface, new string[] { "put(item: item) -> u32" })]

        namespace Clay.Generated
        {
            /// <summary>The export model of <see cref="global::Demo.Box"/>, written by Clay's source generator.</summary>
            [global::System.CodeDom.Compiler.GeneratedCode("Clay.Sdk.Analyzers", "1.0")]
            internal sealed class Demo_Box_ClayModel : global::Clay.Sdk.Model.IWorkerModel
            {
                /// <summary>The interface in WIT-like text.</summary>
                public const string Interface = "interface box {\n  record item {\n    name: string,\n    count: u32,\n  }\n\n  put: func(item: item) -> u32;\n}";

                private static readonly global::Clay.Sdk.Model.RecordDescriptor Type0 = new global::Clay.Sdk.Model.RecordDescriptor(typeof(global::Demo.Item), "item", new global::Clay.Sdk.Model.FieldDescriptor[] { new global::Clay.Sdk.Model.FieldDescriptor("name", new global::Clay.Sdk.Model.PrimitiveDescriptor(typeof(string)), static obj => ((global::Demo.Item)obj).@Name), new global::Clay.Sdk.Model.FieldDescriptor("count", new global::Clay.Sdk.Model.PrimitiveDescriptor(typeof(uint)), static obj => ((global::Demo.Item)obj).@Count) }, static values => new global::Demo.Item((string)values[0]!, (uint)values[1]!));

                private static readonly global::Clay.Sdk.Model.FunctionDescriptor[] AllFunctions = new global::Clay.Sdk.Model.FunctionDescriptor[]
                {
                    new global::Clay.Sdk.Model.FunctionDescriptor("put", "Put", new global::Clay.Sdk.Model.ParameterDescriptor[] { new global::Clay.Sdk.Model.ParameterDescriptor("item", Type0) }, new global::Clay.Sdk.Model.PrimitiveDescriptor(typeof(uint)), global::Clay.Sdk.Model.FunctionShape.Sync, static (instance, args) => ((global::Demo.Box)instance).@Put((global::Demo.Item)args[0]!), null),
                };

                /// <inheritdoc/>
                public global::System.Type WorkerType => typeof(global::Demo.Box);

                /// <inheritdoc/>
                public string InterfaceName => "box";

                /// <inheritdoc/>
                public string Wit => Interface;

                /// <inheritdoc/>
                public global::System.Collections.Generic.IReadOnlyList<global::Clay.Sdk.Model.FunctionDescriptor> Functions => AllFunctions;

                /// <inheritdoc/>
                public global::System.Func<global::Clay.Sdk.WorkerContext, object> Factory { get; } = static context => new global::Demo.Box();
            }
        }

        """;
}
