namespace Clay.Sdk.Analyzers.Tests;

public sealed class CodeFixTests
{
    private const string Usings = """
        using System;
        using System.Collections.Generic;
        using System.Net.Http;
        using System.Threading;
        using System.Threading.Tasks;
        using Clay.Sdk;

        """;

    private static string Worker(string members, string header = "public sealed class Cart(WorkerContext context)") => Usings + $$"""
        [ClayWorker]
        {{header}}
        {
        {{members}}
        }
        """;

    [Theory]
    [InlineData("public DateTime At() => {|CLAY001:DateTime.UtcNow|};", "public DateTime At() => context.UtcNow().UtcDateTime;")]
    [InlineData("public DateTime At() => {|CLAY001:DateTime.Now|};", "public DateTime At() => context.UtcNow().UtcDateTime;")]
    [InlineData("public DateTime Day() => {|CLAY001:DateTime.Today|};", "public DateTime Day() => context.UtcNow().UtcDateTime.Date;")]
    [InlineData("public DateTimeOffset At() => {|CLAY002:DateTimeOffset.UtcNow|};", "public DateTimeOffset At() => context.UtcNow();")]
    [InlineData("public long Ticks() => {|CLAY004:Environment.TickCount64|};", "public long Ticks() => context.MonotonicNanoseconds() / 1_000_000;")]
    [InlineData("public int Ticks() => {|CLAY004:Environment.TickCount|};", "public int Ticks() => (int)(context.MonotonicNanoseconds() / 1_000_000);")]
    [InlineData("public int Roll() => {|CLAY005:Random.Shared|}.Next(6);", "public int Roll() => context.NextRandom(6);")]
    [InlineData("public int Roll() => {|CLAY005:new Random()|}.Next();", "public int Roll() => context.NextRandom(int.MaxValue);")]
    [InlineData("public double Roll() => {|CLAY005:Random.Shared|}.NextDouble();", "public double Roll() => context.NextRandomDouble();")]
    [InlineData("public string Id() => {|CLAY006:Guid.NewGuid()|}.ToString();", "public string Id() => context.NewGuid().ToString();")]
    [InlineData("public Task Wait() => {|CLAY011:Task.Delay(250)|};", "public Task Wait() => context.SleepAsync(TimeSpan.FromMilliseconds(250));")]
    [InlineData("public Task Wait(CancellationToken ct) => {|CLAY011:Task.Delay(TimeSpan.FromMinutes(5), ct)|};", "public Task Wait(CancellationToken ct) => context.SleepAsync(TimeSpan.FromMinutes(5), ct);")]
    [InlineData("public string? Home() => {|CLAY017:Environment.GetEnvironmentVariable(\"HOME\")|};", "public string? Home() => context.Environment.GetValueOrDefault(\"HOME\");")]
    public Task A_call_is_rewritten_to_the_primary_constructor_context(string member, string fixedMember) =>
        Verify.CodeFixAsync(Worker("    " + member), Worker("    " + fixedMember));

    [Fact]
    public Task A_field_holding_the_context_is_used() =>
        Verify.CodeFixAsync(
            Worker("""
                    private readonly WorkerContext _durable;

                    public Cart(WorkerContext durable) => _durable = durable;

                    public Guid Id() => {|CLAY006:Guid.NewGuid()|};
                """, "public sealed class Cart"),
            Worker("""
                    private readonly WorkerContext _durable;

                    public Cart(WorkerContext durable) => _durable = durable;

                    public Guid Id() => _durable.NewGuid();
                """, "public sealed class Cart"));

    [Fact]
    public Task Without_a_context_in_reach_the_fix_uses_the_current_one_and_imports_the_sdk() =>
        Verify.CodeFixAsync("""
            using System;

            [Clay.Sdk.ClayWorker]
            public sealed class Cart
            {
                public string Id() => Ids.Next();
            }

            public static class Ids
            {
                public static string Next() => {|CLAY006:Guid.NewGuid()|}.ToString("N");
            }
            """, """
            using System;
            using Clay.Sdk;

            [Clay.Sdk.ClayWorker]
            public sealed class Cart
            {
                public string Id() => Ids.Next();
            }

            public static class Ids
            {
                public static string Next() => WorkerContext.Current!.NewGuid().ToString("N");
            }
            """);

    [Fact]
    public Task A_static_method_cannot_use_the_instance_context() =>
        Verify.CodeFixAsync(
            Worker("    public static DateTimeOffset At() => {|CLAY002:DateTimeOffset.UtcNow|};"),
            Worker("    public static DateTimeOffset At() => WorkerContext.Current!.UtcNow();"));

    [Fact]
    public Task A_raw_http_client_becomes_the_durable_one_and_loses_its_using() =>
        Verify.CodeFixAsync(
            Worker("""
                    public async Task<string> Fetch(Uri url)
                    {
                        using var http = {|CLAY007:new HttpClient()|};
                        return await http.GetStringAsync(url);
                    }
                """),
            Worker("""
                    public async Task<string> Fetch(Uri url)
                    {
                        var http = context.Http;
                        return await http.GetStringAsync(url);
                    }
                """));

    [Fact]
    public Task A_blocking_sleep_in_an_async_method_becomes_a_durable_sleep() =>
        Verify.CodeFixAsync(
            Worker("""
                    public async Task Pause()
                    {
                        {|CLAY012:Thread.Sleep(1500)|};
                        await Task.Yield();
                    }
                """),
            Worker("""
                    public async Task Pause()
                    {
                        await context.SleepAsync(TimeSpan.FromMilliseconds(1500));
                        await Task.Yield();
                    }
                """));

    [Theory]
    [InlineData(0, "await context.SleepAsync(TimeSpan.Zero);")]
    [InlineData(1, "await context.SleepAsync(TimeSpan.Zero).ConfigureAwait(true);")]
    public Task ConfigureAwait_false_is_removed_or_made_true(int action, string fixedStatement) =>
        Verify.CodeFixAsync(
            Worker($$"""
                    public async Task Pause()
                    {
                        await {|CLAY016:context.SleepAsync(TimeSpan.Zero).ConfigureAwait(false)|};
                    }
                """),
            Worker($$"""
                    public async Task Pause()
                    {
                        {{fixedStatement}}
                    }
                """),
            action);
}
