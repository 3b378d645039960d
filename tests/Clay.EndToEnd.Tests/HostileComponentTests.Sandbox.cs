using System.Net;
using System.Text.Json;

namespace Clay.EndToEnd.Tests;

// The file-system sandbox of component hosts (Landlock) and the environment they start with.
public sealed partial class HostileComponentTests
{
    [Fact]
    public async Task Component_code_cannot_read_the_data_directory_other_components_or_system_secrets_but_has_its_scratch_directory()
    {
        Assert.Equal("1", (await InvokeAsync(Calm, "c", "count")).Body);
        Assert.Equal("1", (await InvokeAsync(Bad, "w", "count")).Body);
        var data = _server.DataDirectory;
        File.WriteAllText(Path.Combine(_server.HomeDirectory, "secret.txt"), "the user's own");
        var calmScratch = Path.GetFullPath(Path.Combine(data, "hosts", Calm.Replace(':', '_')));
        var neighbour = Assert.Single(HostPids(), pid => new DirectoryInfo($"/proc/{pid}/cwd").ResolveLinkTarget(returnFinalTarget: false)?.FullName == calmScratch);
        var refused = new[]
        {
            ("read", Path.Combine(data, "oplog.db")),
            ("read", Path.Combine(data, "access-token")),
            ("read", "/etc/passwd"),
            ("read", Path.Combine(_server.HomeDirectory, "secret.txt")),
            ("read", $"/proc/{_server.Pid}/environ"),
            ("list", $"/proc/{_server.Pid}/fd"),
            ("read", $"/proc/{neighbour}/environ"),
            ("list", $"/proc/{neighbour}/fd"),
            ("list", Path.Combine(data, "components", Calm.Replace(':', '_'))),
            ("list", data),
        };
        foreach (var (function, path) in refused)
        {
            // Readable by the server's user, which the host runs as: only the sandbox stands in the way.
            Assert.True(File.Exists(path) || Directory.Exists(path), path);
            var (status, code, message) = await FailAsync(Bad, "w", function, JsonSerializer.Serialize(new[] { JsonSerializer.Serialize(path) }));
            Assert.True(status == HttpStatusCode.UnprocessableEntity, $"{function} {path}: {(int)status} {code} {message}");
            Assert.Equal("invocation-failed", code);
            Assert.Contains("UnauthorizedAccessException", message);
        }

        // What it needs stays open: its scratch directory, its own component's files, its own entries in /proc.
        Assert.NotEqual("0", await InvokeWithAsync(Bad, "w", "read", "[\"\\\"/proc/self/environ\\\"\"]"));
        Assert.Equal("\"kept\"", (await InvokeAsync(Bad, "w", "scratch")).Body);
        Assert.True(File.Exists(Path.Combine(data, "hosts", Bad.Replace(':', '_'), "note.txt")));
        var own = await InvokeWithAsync(Bad, "w", "list", JsonSerializer.Serialize(new[] { JsonSerializer.Serialize(Path.Combine(data, "components", Bad.Replace(':', '_'))) }));
        Assert.NotEqual("0", own);
        // The server's environment is not the host's.
        Assert.Equal("\"unset\"", await InvokeWithAsync(Bad, "w", "env", "[\"\\\"DATABASE_URL\\\"\"]"));

        // Every refusal failed only its invocation: the worker, its neighbours and the server go on.
        Assert.Equal("2", (await InvokeAsync(Bad, "w", "count")).Body);
        Assert.Equal("2", (await InvokeAsync(Calm, "c", "count")).Body);
    }

    [Fact]
    public async Task A_host_whose_scratch_path_is_too_long_for_a_socket_can_still_be_reached_by_diagnostic_tools()
    {
        Assert.Equal("1", (await InvokeAsync(Calm, "c", "count")).Body);
        var scratch = Path.GetFullPath(Path.Combine(_server.DataDirectory, "hosts", Calm.Replace(':', '_')));
        // Its host is the one working in its scratch directory.
        var host = Assert.Single(HostPids(), pid => new DirectoryInfo($"/proc/{pid}/cwd").ResolveLinkTarget(returnFinalTarget: false)?.FullName == scratch);
        // The runtime's socket there could be longer than a socket's path may be (107 bytes), for the largest
        // process ids (seven digits): its name would be cut, so the server gives the host a shorter way there.
        Assert.True(scratch.Length + "/dotnet-diagnostic-4194304-0000000000-socket".Length > 107, scratch);

        // The host's temporary directory, where diagnostic tools look, leads to its scratch directory by a shorter path.
        var temporary = File.ReadAllText($"/proc/{host}/environ").Split('\0').Single(v => v.StartsWith("TMPDIR=", StringComparison.Ordinal))["TMPDIR=".Length..];
        Assert.Equal(scratch, new DirectoryInfo(temporary).ResolveLinkTarget(returnFinalTarget: true)?.FullName);
        // The runtime's diagnostic socket is there, named whole, and listening.
        var socket = Assert.Single(Directory.GetFiles(temporary, $"dotnet-diagnostic-{host}-*-socket"));
        using (var client = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.Unix, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Unspecified))
        {
            await client.ConnectAsync(new System.Net.Sockets.UnixDomainSocketEndPoint(socket));
        }

        // The link goes with its host.
        await _server.TerminateAsync();
        Assert.False(new FileInfo(temporary).LinkTarget is not null || Path.Exists(temporary), temporary);
    }

    private async Task<string> InvokeWithAsync(string component, string worker, string function, string args)
    {
        using var response = await PostAsync(component, worker, $$"""{"function":"{{function}}","args":{{args}}}""");
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{component}/{worker} {function}: {(int)response.StatusCode} {text}");
        using var json = JsonDocument.Parse(text);
        return json.RootElement.GetProperty("result").GetProperty("wave").GetString()!;
    }
}
