using System.Text;

namespace Clay.EndToEnd.Tests;

/// <summary>
/// A package whose code calls what a component must not (end the process, start processes, native
/// code, unsafe code, code generation, loading unchecked code) is refused at upload with
/// <c>forbidden-api</c>, naming the method that does it and what it calls; clean code is not.
/// </summary>
[Trait("Category", "EndToEnd")]
public sealed class ForbiddenApiTests(ForbiddenApiTests.Server server) : IClassFixture<ForbiddenApiTests.Server>
{
    public sealed class Server : IAsyncLifetime
    {
        private readonly string _root = Path.Combine(Path.GetTempPath(), "clay-e2e", Guid.NewGuid().ToString("N"));

        public ServerProcess Process { get; private set; } = null!;

        public HttpClient Http { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            Process = new ServerProcess(Path.Combine(_root, "data"));
            await Process.StartAsync();
            Http = Process.CreateHttpClient();
        }

        public async Task DisposeAsync()
        {
            Http.Dispose();
            await Process.DisposeAsync();
            try { Directory.Delete(_root, recursive: true); } catch (IOException) { }
        }
    }

    private const string Worker = "namespace Demo; [ClayWorker] public sealed class Worker { ";

    public static TheoryData<string, string, string[]> Calls => new()
    {
        { "Environment.Exit", Worker + "public void Quit() => Environment.Exit(0); }", ["Demo.Worker.Quit", "calls System.Environment.Exit", "end the whole server process"] },
        { "Environment.FailFast in an async method", Worker + "public async Task CrashAsync() { await Task.Yield(); Environment.FailFast(\"x\"); } }",
            ["Demo.Worker.CrashAsync", "calls System.Environment.FailFast"] },
        { "Environment.Exit in a lambda", Worker + "public void Later() { Action quit = () => Environment.Exit(1); quit(); } }",
            ["Demo.Worker.Later (a lambda)", "calls System.Environment.Exit"] },
        { "Process.Start", Worker + "public void Shell() => Process.Start(\"sh\", \"-c true\"); }", ["Demo.Worker.Shell", "calls System.Diagnostics.Process.Start", "processes"] },
        { "DllImport", Worker + "[System.Runtime.InteropServices.DllImport(\"libc\")] private static extern int getpid(); public int Pid() => getpid(); }",
            ["Demo.Worker.getpid", "is a P/Invoke into libc", "Demo.Worker.Pid (in Forbidden.dll) calls Demo.Worker.getpid, a P/Invoke"] },
        { "NativeLibrary", Worker + "public void Load() => System.Runtime.InteropServices.NativeLibrary.Load(\"libc.so.6\"); }",
            ["Demo.Worker.Load", "calls System.Runtime.InteropServices.NativeLibrary.Load", "native code"] },
        { "an unmanaged function pointer", Worker + "public unsafe void Jump() { var f = (delegate* unmanaged<void>)(nint)1; f(); } }",
            ["Demo.Worker.Jump", "calls through a function pointer"] },
        { "pointers", Worker + "public unsafe int Poke() { int x = 1; int* p = &x; *p = 2; return x; } }", ["Demo.Worker.Poke", "unsafe code"] },
        { "Unsafe.As", Worker + "public string Cast() => System.Runtime.CompilerServices.Unsafe.As<string>(new object()); }",
            ["Demo.Worker.Cast", "calls System.Runtime.CompilerServices.Unsafe.As", "unsafe code"] },
        { "Reflection.Emit", Worker + "public void Generate() { _ = new System.Reflection.Emit.DynamicMethod(\"m\", typeof(void), null); } }",
            ["Demo.Worker.Generate", "calls new System.Reflection.Emit.DynamicMethod", "generates code at run time"] },
        { "Assembly.Load", Worker + "public void LoadCode(string path) => System.Reflection.Assembly.LoadFrom(path); }",
            ["Demo.Worker.LoadCode", "calls System.Reflection.Assembly.LoadFrom", "not checked at upload"] },
    };

    [Theory]
    [MemberData(nameof(Calls))]
    public async Task A_forbidden_call_is_refused_naming_the_method_that_makes_it(string _, string source, string[] expected)
    {
        var (status, body) = await Uploads.SendAsync(server.Http, "demo:forbidden", ComponentCompiler.Package("Forbidden", source));

        Assert.Equal(400, status);
        var (code, message) = Uploads.Error(body);
        Assert.Equal("forbidden-api", code);
        foreach (var part in expected) Assert.Contains(part, message);
        Assert.Contains("(in Forbidden.dll)", message);
        Assert.DoesNotContain("demo:forbidden", await server.Http.GetStringAsync("/v1/components"));
        Uploads.AssertNothingLeft(server.Process.DataDirectory, "demo:forbidden");
    }

    [Fact]
    public async Task A_forbidden_call_in_another_assembly_of_the_package_is_refused_too()
    {
        var helper = ComponentCompiler.Compile("Helper", "namespace Demo.Help; public static class Exit { public static void Now() => Environment.Exit(3); }");
        var package = ComponentCompiler.Package("Clean", Worker + "public int One() => 1; }", ("Helper.dll", helper));

        var (status, body) = await Uploads.SendAsync(server.Http, "demo:forbidden", package);

        Assert.Equal(400, status);
        var (code, message) = Uploads.Error(body);
        Assert.Equal("forbidden-api", code);
        Assert.Contains("Demo.Help.Exit.Now (in Helper.dll) calls System.Environment.Exit", message);
    }

    [Fact]
    public async Task Safe_code_that_looks_low_level_is_accepted()
    {
        // Each of these compiles to IL near a forbidden pattern: stackalloc into a span, UTF-8
        // literals, string switches, async state machines, closures, Environment's other members.
        var source = Worker + """
            public int Sum(string text)
            {
                Span<byte> buffer = stackalloc byte[16];
                var literal = "clay"u8;
                literal.CopyTo(buffer);
                var total = 0;
                foreach (var b in buffer) total += b;
                return text switch { "a" => 1, "b" => 2, "c" => 3, "d" => 4, "e" => 5, "f" => 6, "g" => 7, _ => total + Environment.ProcessorCount * 0 };
            }
            public async Task<int> LaterAsync(int x) { Func<int, int> twice = y => y * 2 + x; await Task.Yield(); return twice(x); }
            public string Name() => Environment.NewLine.Length > 0 ? new Stopwatch().IsRunning.ToString() : "";
            }
            """;

        var (status, body) = await Uploads.SendAsync(server.Http, "demo:clean", ComponentCompiler.Package("Clean", source));

        Assert.True(status == 201, body.ToString());
        Assert.Equal(0, body.GetProperty("version").GetInt64());
    }
}
