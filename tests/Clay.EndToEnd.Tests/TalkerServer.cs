using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Clay.EndToEnd.Tests;

/// <summary>
/// A real server with the component <c>demo:talker</c> deployed: the default template plus functions
/// that write log lines while an invocation runs (durable sleeps between them keep it running).
/// </summary>
public class TalkerServer : IAsyncLifetime
{
    public const string Component = "demo:talker";

    private readonly string _root = Path.Combine(Path.GetTempPath(), "clay-e2e", Guid.NewGuid().ToString("N"));

    public ServerProcess Server { get; private set; } = null!;

    public HttpClient Http { get; } = new() { Timeout = TimeSpan.FromMinutes(2) };

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_root);
        Server = new ServerProcess(Path.Combine(_root, "data"));
        Configure(Server);
        await Server.StartAsync(ServerArguments);
        Http.BaseAddress = new Uri(Server.Url);
        // Every request but the health checks needs the server's token, on loopback too.
        Http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", Server.Token);
        var clay = new ClayCli(Server.Url, Path.Combine(_root, "home"));
        await clay.OkAsync(_root, "app", "new", "talk", "csharp");
        var app = Path.Combine(_root, "talk");
        await clay.OkAsync(app, "component", "new", "csharp/default", Component);
        var worker = Path.Combine(app, "components", "demo-talker", "Worker.cs");
        File.WriteAllText(worker, File.ReadAllText(worker).Replace("public ulong Get() => _total;", """
            public ulong Get() => _total;

                /// <summary>Logs "line 1".."line N", sleeping durably between lines, then holds the invocation open.</summary>
                public async Task<ulong> Talk(uint lines, ulong pauseMilliseconds, ulong holdMilliseconds)
                {
                    for (var i = 1; i <= lines; i++)
                    {
                        context.Log($"line {i}");
                        if (pauseMilliseconds > 0) await context.SleepAsync(TimeSpan.FromMilliseconds(pauseMilliseconds));
                    }
                    if (holdMilliseconds > 0) await context.SleepAsync(TimeSpan.FromMilliseconds(holdMilliseconds));
                    return ++_total;
                }

                /// <summary>Gets a URL through the durable HTTP client and returns the body.</summary>
                public async Task<string> Fetch(string url) => await context.Http.GetStringAsync(new Uri(url));

                /// <summary>Writes "TAG i" to the console and logs "TAG log i", for i in 1..N.</summary>
                public ulong Chatter(string tag, uint lines)
                {
                    for (var i = 1; i <= lines; i++)
                    {
                        Console.WriteLine($"{tag} {i}");
                        context.Log($"{tag} log {i}");
                    }
                    return ++_total;
                }

                /// <summary>Chatters, then logs "TAG waits on promise ID" and returns the value the promise is completed with.</summary>
                public async Task<string> Gated(string tag, uint lines)
                {
                    Chatter(tag, lines);
                    var promise = context.CreatePromise();
                    context.Log($"{tag} waits on promise {promise.Value}");
                    return await context.AwaitPromiseAsync(promise);
                }

                /// <summary>Logs "line 1", then naps N times for 900 ms, each under the durable sleep threshold: the line commits only at the end.</summary>
                public async Task<ulong> Linger(uint naps)
                {
                    context.Log("line 1");
                    for (var i = 0; i < naps; i++) await context.SleepAsync(TimeSpan.FromMilliseconds(900));
                    return ++_total;
                }

                /// <summary>Logs N lines of the given length as fast as it can.</summary>
                public ulong Shout(uint lines, uint length)
                {
                    var filler = new string('x', (int)length);
                    for (var i = 1; i <= lines; i++) context.Log($"shout {i} {filler}");
                    return ++_total;
                }
            """, StringComparison.Ordinal));
        await clay.OkAsync(app, "app", "deploy");
    }

    /// <summary>Arguments the server starts with.</summary>
    protected virtual string[] ServerArguments => [];

    /// <summary>Sets up the server process before it starts (environment variables, say).</summary>
    protected virtual void Configure(ServerProcess server)
    {
    }

    public virtual async Task DisposeAsync()
    {
        Http.Dispose();
        await Server.DisposeAsync();
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { }
    }

    /// <summary>Where `clay` keeps its profile in these tests.</summary>
    public string CliHome => Path.Combine(_root, "home");

    public string LogsPath(string worker) => $"/v1/components/{Component}/workers/{worker}/logs";

    /// <summary>Invokes a function and returns the answer's JSON; fails on an error answer.</summary>
    public async Task<JsonNode> InvokeAsync(string worker, string function, params string[] args)
    {
        using var response = await Http.PostAsJsonAsync($"/v1/components/{Component}/workers/{worker}/invoke", new { function, args });
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{worker} {function}: {text}");
        return JsonNode.Parse(text)!;
    }
}
