using System.Net;
using System.Text;
using System.Text.Json;
using Clay.Reliability;

namespace Clay.EndToEnd.Tests;

/// <summary>
/// Deleting components and versions: refused while workers use them unless forced, and a deleted
/// version's number is never given to another package — not after a restart either.
/// </summary>
[Trait("Category", "EndToEnd")]
public sealed class ComponentDeleteTests : IAsyncLifetime
{
    private const string Component = "demo:del";
    private readonly string _root = Path.Combine(Path.GetTempPath(), "clay-e2e", Guid.NewGuid().ToString("N"));
    private ServerProcess _server = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _server = new ServerProcess(Path.Combine(_root, "data"));
        await _server.StartAsync();
        _http = _server.CreateHttpClient();
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _server.DisposeAsync();
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { }
    }

    [Fact]
    public async Task A_version_in_use_is_kept_unless_forced_and_its_number_is_never_reused()
    {
        Assert.Equal(0, await DeployAsync("first"));
        await InvokeAsync("old", HttpStatusCode.OK);   // created on version 0
        Assert.Equal(1, await DeployAsync("second"));
        await InvokeAsync("new", HttpStatusCode.OK);   // created on version 1

        var refused = await DeleteAsync("?version=0");
        var unused = await DeleteAsync("?version=1");
        var forced = await DeleteAsync("?version=0&force=true");

        Assert.Equal(HttpStatusCode.Conflict, refused.Status);
        Assert.Equal("component-in-use", refused.Body.GetProperty("error").GetProperty("code").GetString());
        Assert.Contains("used by 1 worker (demo:del/old)", refused.Body.GetProperty("error").GetProperty("message").GetString());
        Assert.Equal(HttpStatusCode.Conflict, unused.Status); // "new" is on version 1
        Assert.Equal(HttpStatusCode.OK, forced.Status);
        Assert.Equal("[0]", forced.Body.GetProperty("versions").GetRawText());
        Assert.Equal(1, forced.Body.GetProperty("workers").GetInt64());
        Assert.False(Directory.Exists(VersionDirectory(0)));
        Assert.True(Directory.Exists(VersionDirectory(1)));

        // The worker of the deleted version keeps its oplog but cannot run; the other is untouched.
        var old = await InvokeAsync("old", HttpStatusCode.NotFound);
        Assert.Contains("version 0 of component demo:del was deleted", old);
        await InvokeAsync("new", HttpStatusCode.OK);
        using (var oplog = await _http.GetAsync($"/v1/components/{Component}/workers/old/oplog"))
        {
            Assert.Equal(HttpStatusCode.OK, oplog.StatusCode);
        }
        using (var version0 = await _http.GetAsync($"/v1/components/{Component}?version=0"))
        {
            Assert.Equal(HttpStatusCode.NotFound, version0.StatusCode);
            Assert.Contains("was deleted", await version0.Content.ReadAsStringAsync());
        }

        // The very package of version 0 again: a new number, not 0.
        Assert.Equal(2, await DeployAsync("first"));

        // After a restart the numbering goes on from where it was.
        await _server.TerminateAsync();
        await _server.StartAsync();
        _http.Dispose();
        _http = _server.CreateHttpClient();
        Assert.Equal(3, await DeployAsync("third"));
        using var still = await _http.GetAsync($"/v1/components/{Component}?version=0");
        Assert.Equal(HttpStatusCode.NotFound, still.StatusCode);
    }

    [Fact]
    public async Task Clay_deletes_a_whole_component_once_its_workers_are_gone()
    {
        var clay = new ClayCli(_server.Url, _server.HomeDirectory);
        await DeployAsync("first");
        await DeployAsync("second");
        await InvokeAsync("w", HttpStatusCode.OK);

        var refused = await clay.RunAsync(_root, "component", "delete", Component);
        await clay.OkAsync(_root, "worker", "delete", $"{Component}/w");
        var deleted = await clay.RunAsync(_root, "component", "delete", Component);
        var again = await clay.RunAsync(_root, "component", "delete", Component);

        Assert.Equal(1, refused.ExitCode);
        Assert.StartsWith("error[component-in-use]: component demo:del is used by 1 worker (demo:del/w); delete them first, or delete with --force", refused.StdErr);
        Assert.True(deleted.ExitCode == 0, deleted.StdErr);
        Assert.Equal("Deleted component demo:del versions 0, 1.\n", deleted.StdOut);
        Assert.Equal(3, again.ExitCode);
        Assert.Contains("error[component-not-found]", again.StdErr);
        Assert.Equal("{\"components\":[]}", await _http.GetStringAsync("/v1/components"));
        Assert.Equal(2, await DeployAsync("third"));
    }

    private string VersionDirectory(long version) => Path.Combine(_server.DataDirectory, "components", "demo_del", version.ToString());

    /// <summary>Deploys the ledger with a marker file that makes each package distinct; returns the version.</summary>
    private async Task<long> DeployAsync(string marker)
    {
        var package = ComponentCompiler.Zip(
            ("clay-component.json", Encoding.UTF8.GetBytes("""{"name":"demo:del","entryAssembly":"Clay.Reliability.Component.dll"}""")),
            ("Clay.Reliability.Component.dll", File.ReadAllBytes(typeof(Ledger).Assembly.Location)),
            ("marker.txt", Encoding.UTF8.GetBytes(marker)));
        var (status, body) = await Uploads.SendAsync(_http, Component, package);
        Assert.True(status is 200 or 201, body.ToString());
        return body.GetProperty("version").GetInt64();
    }

    private async Task<string> InvokeAsync(string worker, HttpStatusCode expected)
    {
        using var response = await _http.PostAsync($"/v1/components/{Component}/workers/{worker}/invoke",
            new StringContent("""{"function":"add","args":["\"x\""]}""", Encoding.UTF8, "application/json"));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(expected == response.StatusCode, $"{(int)response.StatusCode}: {text}");
        return text;
    }

    private async Task<(HttpStatusCode Status, JsonElement Body)> DeleteAsync(string query)
    {
        using var response = await _http.DeleteAsync($"/v1/components/{Component}{query}");
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return (response.StatusCode, json.RootElement.Clone());
    }
}
