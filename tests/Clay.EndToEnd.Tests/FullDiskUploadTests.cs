using System.Text;
using Clay.Reliability;

namespace Clay.EndToEnd.Tests;

/// <summary>
/// A disk that fills during an upload: 503 <c>storage-unavailable</c>, nothing of the upload kept,
/// and the next upload that fits succeeds. The data directory is a small tmpfs mounted in a mount
/// namespace of the server's own (`unshare`), so the rest of the machine never sees it fill.
/// </summary>
[Trait("Category", "EndToEnd")]
public sealed class FullDiskUploadTests : IAsyncLifetime
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "clay-e2e", Guid.NewGuid().ToString("N"));
    private ServerProcess _server = null!;

    public async Task InitializeAsync()
    {
        var data = Path.Combine(_root, "data");
        Directory.CreateDirectory(data);
        _server = new ServerProcess(data)
        {
            Launcher = ["unshare", "--user", "--map-root-user", "--mount", "sh", "-c", "mount -t tmpfs -o size=96m tmpfs \"$0\" && exec \"$@\"", data],
        };
        await _server.StartAsync("--max-package-size", "200MiB");
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { }
    }

    [Fact]
    public async Task An_upload_that_fills_the_disk_is_refused_with_storage_unavailable_and_leaves_nothing()
    {
        using var http = new HttpClient { BaseAddress = new Uri(_server.Url) };
        // The token is on the server's tmpfs: read it through the server's own view of the file system.
        var data = $"/proc/{_server.Pid}/root{_server.DataDirectory}";
        http.DefaultRequestHeaders.Authorization = new("Bearer", File.ReadAllText(Path.Combine(data, "access-token")).Trim());
        var blob = new byte[120_000_000];
        new Random(7).NextBytes(blob);

        var (status, body) = await Uploads.SendAsync(http, "demo:full", ComponentCompiler.Zip(("data.bin", blob)));

        Assert.Equal(503, status);
        var (code, message) = Uploads.Error(body);
        Assert.Equal("storage-unavailable", code);
        Assert.Contains("No space left on device", message);
        Uploads.AssertNothingLeft(data, "demo:full");

        var ledger = ComponentCompiler.Zip(
            ("clay-component.json", Encoding.UTF8.GetBytes("""{"name":"demo:full","entryAssembly":"Clay.Reliability.Component.dll"}""")),
            ("Clay.Reliability.Component.dll", File.ReadAllBytes(typeof(Ledger).Assembly.Location)));
        var (after, stored) = await Uploads.SendAsync(http, "demo:full", ledger);
        Assert.True(after == 201, stored.ToString());
    }
}
