using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Testing;

namespace Clay.Sdk.Analyzers.Tests;

/// <summary>A worker class Clay cannot export fails to compile, with the member at fault and why.</summary>
public sealed class ModelErrorTests
{
    private const string Usings = """
        using System;
        using System.Collections.Generic;
        using Clay.Sdk;

        """;

    private static Task ExpectAsync(string source, string id, params string[] arguments) =>
        Verify.GeneratorAsync(Usings + source, [], new DiagnosticResult(id, DiagnosticSeverity.Error).WithLocation(0).WithArguments(arguments));

    [Fact]
    public Task A_dictionary_parameter_is_an_error_at_the_parameter() => ExpectAsync("""
        [ClayWorker]
        public sealed class Worker
        {
            public void Store(Dictionary<string, int> {|#0:index|}) { }
        }
        """, "CLAY100", "Worker.Store(index)", "Dictionary<string, int>", ": use a list of records");

    [Fact]
    public Task A_date_result_is_an_error_at_the_return_type() => ExpectAsync("""
        [ClayWorker]
        public sealed class Worker
        {
            public {|#0:DateTime|} When() => default;
        }
        """, "CLAY100", "Worker.When result", "DateTime", ": use a u64 or s64 timestamp, or a string");

    [Fact]
    public Task An_unsupported_field_of_a_record_names_the_path_to_it() => ExpectAsync("""
        public sealed record Order(Guid Id, string Customer);

        [ClayWorker]
        public sealed class Worker
        {
            public void Place(Order {|#0:order|}) { }
        }
        """, "CLAY100", "Worker.Place(order) → Order.Id", "Guid", ": use a string");

    [Fact]
    public Task An_object_parameter_needs_a_concrete_type() => ExpectAsync("""
        [ClayWorker]
        public sealed class Worker
        {
            public void Keep(object {|#0:anything|}) { }
        }
        """, "CLAY100", "Worker.Keep(anything)", "object", ": the interface needs a concrete type");

    [Fact]
    public Task A_recursive_record_is_an_error() => ExpectAsync("""
        public sealed record Node(string Name, Node? Next);

        [ClayWorker]
        public sealed class Worker
        {
            public void Add(Node {|#0:node|}) { }
        }
        """, "CLAY101", "Worker.Add(node) → Node.Next", "Node");

    [Fact]
    public Task A_record_without_a_matching_constructor_is_an_error() => ExpectAsync("""
        public sealed class Thing
        {
            public Thing(int size) => Name = size.ToString();
            public string Name { get; }
        }

        [ClayWorker]
        public sealed class Worker
        {
            public void Use(Thing {|#0:thing|}) { }
        }
        """, "CLAY102", "Worker.Use(thing)", "Thing");

    [Fact]
    public Task A_ref_parameter_is_an_error() => ExpectAsync("""
        [ClayWorker]
        public sealed class Worker
        {
            public void Bump(ref int {|#0:value|}) => value++;
        }
        """, "CLAY103", "Worker.Bump(value)");

    [Fact]
    public Task A_generic_method_is_an_error() => ExpectAsync("""
        [ClayWorker]
        public sealed class Worker
        {
            public T {|#0:Echo|}<T>(T value) => value;
        }
        """, "CLAY104", "Worker.Echo");

    [Fact]
    public Task Overloads_are_an_error_at_the_second_one() => ExpectAsync("""
        [ClayWorker]
        public sealed class Worker
        {
            public int Add(int a) => a;
            public int {|#0:Add|}(int a, int b) => a + b;
        }
        """, "CLAY105", "Worker.Add", "add");

    [Fact]
    public Task Two_types_with_one_interface_name_are_an_error() => ExpectAsync("""
        namespace A { public sealed record Item(string Name); }
        namespace B { public sealed record Item(int Count); }

        [ClayWorker]
        public sealed class Worker
        {
            public void Put(A.Item a, B.Item {|#0:b|}) { }
        }
        """, "CLAY106", "Worker.Put(b)", "A.Item", "B.Item", "item");

    [Fact]
    public Task A_worker_without_a_usable_constructor_is_an_error() => ExpectAsync("""
        [ClayWorker]
        public sealed class {|#0:Worker|}
        {
            public Worker(int seed) => Seed = seed;
            public int Seed { get; }
            public int Get() => Seed;
        }
        """, "CLAY107", "Worker", "needs a public constructor taking a WorkerContext, or a parameterless one");

    [Fact]
    public Task A_worker_exporting_nothing_is_an_error() => ExpectAsync("""
        [ClayWorker]
        public sealed class {|#0:Worker|}
        {
            public int Count { get; set; }
        }
        """, "CLAY108", "Worker");

    [Fact]
    public Task A_tuple_of_eight_is_an_error() => ExpectAsync("""
        [ClayWorker]
        public sealed class Worker
        {
            public {|#0:(int, int, int, int, int, int, int, int)|} Many() => default;
        }
        """, "CLAY109", "Worker.Many result");

    [Fact]
    public Task A_private_worker_class_is_an_error() => ExpectAsync("""
        public sealed class Host
        {
            [ClayWorker]
            private sealed class {|#0:Hidden|}
            {
                public int Get() => 1;
            }
        }
        """, "CLAY110", "Hidden", "Hidden");
}
