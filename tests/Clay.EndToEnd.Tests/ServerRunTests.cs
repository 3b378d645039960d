using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Clay.Reliability;

namespace Clay.EndToEnd.Tests;

/// <summary>
/// How the server starts and stops: `clay server run` leaves no server behind whatever happens to
/// it, a stop is bounded even with worker code that never returns, and a taken port is one line.
/// </summary>
[Trait("Category", "EndToEnd")]
public sealed class ServerRunTests : IAsyncLifetime
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "clay-e2e", Guid.NewGuid().ToString("N"));

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync()
    {
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { }
        return Task.CompletedTask;
    }

    [Theory]
    [InlineData("TERM", 0)]
    [InlineData("INT", 0)]
    [InlineData("HUP", 0)]
    [InlineData("KILL", 137)]
    public async Task Clay_server_run_leaves_no_server_behind(string signal, int exitCode)
    {
        ClayInstallation.EnsurePublished();
        var port = LoopbackPorts.Free();
        var start = new ProcessStartInfo(ClayInstallation.Cli) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { "server", "run", "--port", port.ToString(), "--data-dir", Path.Combine(_root, "data") }) start.ArgumentList.Add(arg);
        start.Environment["HOME"] = Path.Combine(_root, "home");
        var output = new StringBuilder();
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var clay = new Process { StartInfo = start };
        clay.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            lock (output) output.AppendLine(e.Data);
            if (e.Data.Contains("Clay server ready", StringComparison.Ordinal)) ready.TrySetResult();
        };
        clay.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        clay.Start();
        clay.BeginOutputReadLine();
        clay.BeginErrorReadLine();
        IReadOnlyList<int> tree = [];
        try
        {
            // Not ready within a minute, or gone before it was: say what it printed.
            var first = await Task.WhenAny(ready.Task, clay.WaitForExitAsync(), Task.Delay(TimeSpan.FromSeconds(60)));
            if (first != ready.Task) Assert.Fail($"clay server run was not ready (exited: {clay.HasExited}):\n{output}");
            tree = ProcessTree.Of(clay.Id);
            // Whatever clay did to start it, the server is in its tree and serves.
            Assert.Contains(tree, pid => ProcessTree.Executable(pid) == ClayInstallation.Server);
            using (var http = new HttpClient())
            {
                Assert.Equal(HttpStatusCode.OK, (await http.GetAsync($"http://127.0.0.1:{port}/health")).StatusCode);
            }

            using (var kill = Process.Start("kill", [$"-{signal}", clay.Id.ToString()])) await kill.WaitForExitAsync();
            await clay.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));

            Assert.Equal(exitCode, clay.ExitCode);
            Assert.Empty(await ProcessTree.WaitGoneAsync(tree, TimeSpan.FromSeconds(30)));
            Assert.True(ProcessTree.PortIsFree(port), $"port {port} is still taken:\n{output}");
            if (exitCode == 0) Assert.Contains("Clay server stopped", output.ToString());
        }
        finally
        {
            foreach (var pid in tree.Where(ProcessTree.IsAlive)) Process.GetProcessById(pid).Kill();
            if (!clay.HasExited) clay.Kill(entireProcessTree: true);
        }
    }

    [Fact]
    public async Task A_taken_port_is_one_line_naming_the_port_and_the_option()
    {
        ClayInstallation.EnsurePublished();
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;
        var clay = new ClayCli($"http://127.0.0.1:{port}", Path.Combine(_root, "home"));

        var run = await clay.RunAsync(_root, "server", "run", "--port", port.ToString(), "--data-dir", Path.Combine(_root, "data"));

        Assert.Equal(2, run.ExitCode);
        Assert.Equal("", run.StdOut);
        Assert.Equal($"error[port-in-use]: port {port} on 127.0.0.1 is already in use (another Clay server?): stop it, or start this one on another port with --port N\n",
            run.StdErr);
    }

    [Fact]
    public async Task The_server_runs_with_its_runtime_settings_from_its_start_in_the_process_it_was_started_as()
    {
        await using var server = new ServerProcess(Path.Combine(_root, "data"));
        await server.StartAsync();
        using var http = server.CreateHttpClient();

        // The process started is the one serving (it executed itself again in place), with the setting.
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/health")).StatusCode);
        Assert.Contains("DOTNET_TC_CallCountingDelayMs=0", Variables(server.Pid));
        Assert.Contains("DOTNET_GCgen0size=0x200000", Variables(server.Pid));
        Assert.Equal(ClayInstallation.Server, ProcessTree.Executable(server.Pid));
        // Diagnostics tools (dotnet-trace, dotnet-counters) still reach it: its runtime listens on its diagnostic socket.
        var diagnostics = Assert.Single(Directory.GetFiles(Path.GetTempPath(), $"dotnet-diagnostic-{server.Pid}-*-socket"));
        using (var socket = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.Unix, System.Net.Sockets.SocketType.Stream,
            System.Net.Sockets.ProtocolType.Unspecified))
        {
            await socket.ConnectAsync(new System.Net.Sockets.UnixDomainSocketEndPoint(diagnostics));
        }

        // A value the user set is the one the server runs with.
        await using var told = new ServerProcess(Path.Combine(_root, "told"));
        told.Environment["DOTNET_TC_CallCountingDelayMs"] = "50";
        await told.StartAsync();
        Assert.Equal(["DOTNET_TC_CallCountingDelayMs=50"], Variables(told.Pid).Where(v => v.StartsWith("DOTNET_TC_", StringComparison.Ordinal)));
        // What the user did not set is still added.
        Assert.Contains("DOTNET_GCgen0size=0x200000", Variables(told.Pid));
    }

    private static string[] Variables(int pid) => File.ReadAllText($"/proc/{pid}/environ").Split('\0', StringSplitOptions.RemoveEmptyEntries);

    [Fact]
    public async Task A_stop_is_bounded_even_when_worker_code_never_returns_and_the_invocation_is_not_acknowledged()
    {
        await using var server = new ServerProcess(Path.Combine(_root, "data"));
        await server.StartAsync("--shutdown-timeout", "2s");
        using var http = server.CreateHttpClient();
        var (status, body) = await Uploads.SendAsync(http, "demo:spin", HostileComponents.Spinner());
        Assert.True(status == 201, body.ToString());
        using var beacon = new Beacon();
        var spinning = http.PostAsync("/v1/components/demo:spin/workers/w/invoke",
            new StringContent($$"""{"function":"spin","args":["\"{{beacon.Url}}\""],"idempotencyKey":"spin-1"}""", Encoding.UTF8, "application/json"));
        await beacon.Reached.WaitAsync(TimeSpan.FromSeconds(60));

        var exit = await server.TerminateAsync();

        Assert.Equal(3, exit);
        Assert.Contains("error[shutdown-timeout]: the server did not stop within 2s (--shutdown-timeout)", server.Output.ToString());
        await Assert.ThrowsAnyAsync<HttpRequestException>(() => spinning);

        // Nothing says the invocation finished: it was never acknowledged, and its start is kept for it to resume.
        await server.StartAsync();
        using var again = server.CreateHttpClient();
        using var oplog = JsonDocument.Parse(await again.GetStringAsync("/v1/components/demo:spin/workers/w/oplog"));
        var kinds = oplog.RootElement.GetProperty("entries").EnumerateArray().Select(e => e.GetProperty("kind").GetString()).ToList();
        Assert.Contains("exported-function-invoked", kinds);
        Assert.DoesNotContain("exported-function-completed", kinds);
    }
}
