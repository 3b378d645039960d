namespace Clay.Sdk.Analyzers.Tests;

public sealed class DeterminismAnalyzerTests
{
    private const string Usings = """
        using System;
        using System.Collections.Generic;
        using System.Diagnostics;
        using System.IO;
        using System.Linq;
        using System.Net.Http;
        using System.Net.Sockets;
        using System.Threading;
        using System.Threading.Tasks;
        using Clay.Sdk;

        """;

    /// <summary>A worker whose one method runs <paramref name="body"/>.</summary>
    private static string Worker(string body, string attribute = "[ClayWorker]") => Usings + $$"""
        {{attribute}}
        public sealed class Worker(WorkerContext context)
        {
            public async Task<long> Run(CancellationToken ct)
            {
                await Task.CompletedTask;
                {{body}}
                return context.MonotonicNanoseconds();
            }
        }
        """;

    public static TheoryData<string> Violations => new()
    {
        "_ = {|CLAY001:DateTime.Now|};",
        "_ = {|CLAY001:DateTime.UtcNow|};",
        "_ = {|CLAY001:DateTime.Today|};",
        "_ = {|CLAY002:DateTimeOffset.Now|};",
        "_ = {|CLAY002:DateTimeOffset.UtcNow|};",
        "var watch = {|CLAY003:Stopwatch.StartNew()|};",
        "var watch = {|CLAY003:new Stopwatch()|};",
        "_ = {|CLAY003:Stopwatch.GetTimestamp()|};",
        "_ = {|CLAY004:Environment.TickCount|};",
        "_ = {|CLAY004:Environment.TickCount64|};",
        "_ = {|CLAY005:Random.Shared|}.Next();",
        "_ = {|CLAY005:new Random()|}.NextDouble();",
        "_ = {|CLAY005:System.Security.Cryptography.RandomNumberGenerator.GetInt32(10)|};",
        "_ = {|CLAY006:Guid.NewGuid()|};",
        "_ = {|CLAY006:Guid.CreateVersion7()|};",
        "Func<Guid> make = {|CLAY006:Guid.NewGuid|};",
        "using var http = {|CLAY007:new HttpClient()|};",
        "using var handler = {|CLAY007:new HttpClientHandler()|};",
        "await {|CLAY008:Task.Run(() => 1)|};",
        "await {|CLAY008:Task.Factory.StartNew(() => 1)|};",
        "var thread = {|CLAY009:new Thread(() => { })|};",
        "{|CLAY009:ThreadPool.QueueUserWorkItem(_ => { })|};",
        "using var timer = {|CLAY009:new Timer(_ => { })|};",
        "{|CLAY010:Parallel.For(0, 10, i => { })|};",
        "_ = {|CLAY010:new[] { 1, 2 }.AsParallel()|}.Sum();",
        "await {|CLAY011:Task.Delay(10)|};",
        "await {|CLAY011:Task.Delay(TimeSpan.FromSeconds(1), ct)|};",
        "{|CLAY012:Thread.Sleep(10)|};",
        "_ = {|CLAY013:File.ReadAllText(\"a.txt\")|};",
        "_ = {|CLAY013:Directory.Exists(\"d\")|};",
        "using var file = {|CLAY013:new FileStream(\"a.txt\", FileMode.Open)|};",
        "using var reader = {|CLAY013:new StreamReader(\"a.txt\")|};",
        "_ = {|CLAY013:Path.GetTempFileName()|};",
        "using var client = {|CLAY014:new TcpClient()|};",
        "_ = {|CLAY014:System.Net.Dns.GetHostName()|};",
        "await {|CLAY016:Task.CompletedTask.ConfigureAwait(false)|};",
        "_ = await {|CLAY016:Task.FromResult(1).ConfigureAwait(false)|};",
        "await {|CLAY016:ValueTask.CompletedTask.ConfigureAwait(false)|};",
        "_ = {|CLAY017:Environment.GetEnvironmentVariable(\"HOME\")|};",
    };

    public static TheoryData<string> Allowed => new()
    {
        "_ = context.UtcNow();",
        "_ = new DateTime(2020, 1, 1).AddDays(1);",
        "_ = DateTimeOffset.UnixEpoch;",
        "_ = TimeSpan.FromSeconds(1) + Stopwatch.Frequency.GetHashCode() * TimeSpan.Zero;",
        "_ = Environment.NewLine;",
        "_ = new Random(42).Next();",
        "_ = context.NextRandom(10) + context.NextRandomDouble();",
        "_ = Guid.Parse(\"6f9619ff-8b86-d011-b42d-00cf4fc964ff\");",
        "_ = context.NewGuid();",
        "_ = await context.Http.GetStringAsync(new Uri(\"http://example\"), ct);",
        "await Task.WhenAll(Task.CompletedTask, Task.FromResult(1));",
        "_ = Thread.CurrentThread.ManagedThreadId;",
        "_ = new[] { 1 }.Select(x => x * 2).ToList();",
        "await context.SleepAsync(TimeSpan.FromSeconds(1), ct);",
        "_ = Path.Combine(\"a\", \"b\");",
        "using var reader = new StreamReader(new MemoryStream());",
        "_ = System.Net.IPAddress.Parse(\"127.0.0.1\");",
        "await Task.CompletedTask.ConfigureAwait(true);",
        "_ = context.Environment.GetValueOrDefault(\"HOME\");",
        """
        _ = await context.RunAsync("effect", async token =>
        {
            await Task.Delay(1, token).ConfigureAwait(false);
            using var http = new HttpClient();
            return DateTime.UtcNow.Ticks + Guid.NewGuid().GetHashCode() + File.ReadAllText("x").Length + Random.Shared.Next();
        });
        """,
    };

    /// <summary>HTTP clients made inside an effect, in every shape an effect is written: the effect's outcome is recorded.</summary>
    public static TheoryData<string> HttpInsideEffects => new()
    {
        "_ = await context.RunAsync(\"fetch\", ct => new HttpClient().GetStringAsync(\"http://x\", ct));",
        "await context.RunAsync(\"post\", async ct => { using var http = new HttpClient(); await http.PostAsync(\"http://x\", null, ct); });",
        "_ = await context.RunAsync(\"fetch\", async ct => { using HttpClient http = new(); return await http.GetStringAsync(\"http://x\", ct); });",
        "_ = await context.RunAsync(\"fetch\", static async ct => { using var http = new HttpClient(new SocketsHttpHandler()); return await http.GetStringAsync(\"http://x\", ct); });",
        "_ = await context.RunAsync(\"fetch\", async ct => { using var http = new HttpClient(); return await http.GetStringAsync(\"http://x\", ct); }, new EffectOptions { Idempotent = true }, ct);",
        "_ = await context.RunAsync(name: \"fetch\", effect: async ct => { using var http = new HttpClient(); return await http.GetStringAsync(\"http://x\", ct); });",
        "_ = await context.RunAsync<string>(\"fetch\", async ct => { using var http = new HttpClient(); return await http.GetStringAsync(\"http://x\", ct); });",
        "_ = await context.RunAsync(\"fetch\", async ct => await Fetch(ct)); static async Task<string> Fetch(CancellationToken t) { using var http = new HttpClient(); return await http.GetStringAsync(\"http://x\", t); }",
        "_ = await context.RunAsync(\"fetch\", new Func<CancellationToken, Task<string>>(async ct => { using var http = new HttpClient(); return await http.GetStringAsync(\"http://x\", ct); }));",
        "_ = await context.RunAsync(\"fetch\", async delegate (CancellationToken t) { using var http = new HttpClient(); return await http.GetStringAsync(\"http://x\", t); });",
    };

    [Fact]
    public Task A_local_function_used_outside_an_effect_too_is_flagged() =>
        Verify.AnalyzerAsync(Worker("""
            _ = await context.RunAsync("fetch", async ct => await Fetch(ct));
            _ = await Fetch(ct);
            static async Task<string> Fetch(CancellationToken t)
            {
                using var http = {|CLAY007:new HttpClient()|};
                return await http.GetStringAsync("http://x", t);
            }
            """));

    [Fact]
    public Task An_http_client_made_next_to_an_effect_but_outside_it_is_flagged() =>
        Verify.AnalyzerAsync(Worker("""
            using var http = {|CLAY007:new HttpClient()|};
            _ = await context.RunAsync("fetch", ct => http.GetStringAsync("http://x", ct));
            """));

    [Theory]
    [MemberData(nameof(HttpInsideEffects))]
    public Task An_http_client_made_inside_an_effect_is_not_flagged(string body) => Verify.AnalyzerAsync(Worker(body));

    [Theory]
    [MemberData(nameof(Violations))]
    public Task Nondeterministic_code_in_a_component_is_flagged(string body) => Verify.AnalyzerAsync(Worker(body));

    [Theory]
    [MemberData(nameof(Allowed))]
    public Task Deterministic_code_and_code_inside_effects_is_not_flagged(string body) => Verify.AnalyzerAsync(Worker(body));

    [Fact]
    public Task A_project_without_a_worker_class_is_not_analyzed() =>
        Verify.AnalyzerAsync(Worker("_ = DateTime.Now; _ = Guid.NewGuid(); await Task.Delay(1);", attribute: ""));

    [Fact]
    public Task Helper_types_in_a_component_project_are_analyzed_too() =>
        Verify.AnalyzerAsync(Usings + """
            [ClayWorker]
            public sealed class Worker
            {
                public string Id() => Ids.Next();
            }

            public static class Ids
            {
                public static string Next() => {|CLAY006:Guid.NewGuid()|}.ToString();
            }
            """);

    [Fact]
    public Task Static_mutable_state_is_flagged_and_constants_and_readonly_values_are_not() =>
        Verify.AnalyzerAsync(Usings + """
            [ClayWorker]
            public sealed class Worker
            {
                private static int {|CLAY015:_calls|};
                private int _instance;

                public int Call() => ++_calls + ++_instance + Shared.Limit;
            }

            public static class Shared
            {
                public const int Limit = 3;
                private static readonly List<int> {|CLAY015:Items|} = new();
                public static string {|CLAY015:Name|} { get; set; } = "";
                public static Dictionary<string, int> {|CLAY015:Cache|} { get; } = new();
                private static readonly int Seed = 4;
                private static readonly string[] Names = { "a" };
                public static readonly object Gate = new();
                public static string Greeting { get; } = "hello";
                public static int Computed => Limit + Seed + Names.Length + Items.Count;
            }
            """);
}
