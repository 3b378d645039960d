using System.IO.Compression;
using System.Net;
using System.Text;
using System.Text.Json;

namespace Clay.EndToEnd.Tests;

/// <summary>The server refuses uploads that are not usable components, each with a clear message and code.</summary>
[Trait("Category", "EndToEnd")]
public sealed class PackageValidationTests : IAsyncLifetime
{
    private const long MaxPackage = 256 * 1024;
    private readonly string _root = Path.Combine(Path.GetTempPath(), "clay-e2e", Guid.NewGuid().ToString("N"));
    private HttpClient _http = null!;
    private ServerProcess _server = null!;

    public async Task InitializeAsync()
    {
        _server = new ServerProcess(Path.Combine(_root, "data"));
        await _server.StartAsync("--max-package-size", MaxPackage.ToString());
        _http = _server.CreateHttpClient();
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _server.DisposeAsync();
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { }
    }

    private static string TestComponents => Path.Combine(ClayInstallation.RepositoryRoot, "tests", "Clay.TestComponents", "bin", "Release", "net10.0", "Clay.TestComponents.dll");

    public static TheoryData<string, string, int, string, string> Packages => new()
    {
        { "no manifest", "none", 400, "invalid-package", "the package has no clay-component.json manifest" },
        { "not an assembly", "text", 400, "invalid-component", "worker.dll is not a .NET assembly" },
        { "no worker class", "sdk", 400, "invalid-component", "Clay.Sdk has no worker class: mark one public class with [ClayWorker]" },
        { "several worker classes", "test-components", 400, "invalid-component", "worker classes" },
    };

    [Theory]
    [MemberData(nameof(Packages))]
    public async Task An_unusable_package_is_refused_with_a_clear_error(string _, string content, int status, string code, string message)
    {
        var package = content switch
        {
            "none" => Zip(("worker.dll", File.ReadAllBytes(Path.Combine(ClayInstallation.BinDirectory, "Clay.Sdk.dll")))),
            "text" => Zip(("clay-component.json", Manifest("worker.dll")), ("worker.dll", Encoding.UTF8.GetBytes("not really a dll"))),
            "sdk" => Zip(("clay-component.json", Manifest("Clay.Sdk.dll")), ("Clay.Sdk.dll", File.ReadAllBytes(Path.Combine(ClayInstallation.BinDirectory, "Clay.Sdk.dll")))),
            _ => Zip(("clay-component.json", Manifest("Clay.TestComponents.dll")), ("Clay.TestComponents.dll", File.ReadAllBytes(TestComponents))),
        };

        var (actualStatus, error) = await UploadAsync(package);

        Assert.Equal(status, actualStatus);
        Assert.Equal(code, error.GetProperty("code").GetString());
        Assert.Contains(message, error.GetProperty("message").GetString());
        var list = await _http.GetStringAsync("/v1/components");
        Assert.Equal("{\"components\":[]}", list);
    }

    [Fact]
    public async Task A_package_over_the_size_limit_is_refused()
    {
        var big = new byte[MaxPackage * 3];
        Random.Shared.NextBytes(big);
        var (status, error) = await UploadAsync(Zip(("clay-component.json", Manifest("big.dll")), ("big.dll", big)));

        Assert.Equal(413, status);
        Assert.Equal("package-too-large", error.GetProperty("code").GetString());
        Assert.Equal(HttpStatusCode.OK, (await _http.GetAsync("/health")).StatusCode);
    }

    public static TheoryData<string, string, string, string> MalformedBodies => new()
    {
        { "no boundary", "multipart/form-data", "x", "boundary" },
        { "a boundary too long", "multipart/form-data; boundary=" + new string('b', 201), "x", "boundary" },
        { "not multipart", "application/x-www-form-urlencoded", "name=demo", "multipart/form-data" },
        { "no boundary line in the body", "multipart/form-data; boundary=b", "just some text", "malformed" },
        { "truncated", "multipart/form-data; boundary=b", "--b\r\nContent-Disposition: form-data; name=\"package\"; filename=\"p.zip\"\r\n\r\nPK\u0003\u0004", "malformed" },
        { "a part without Content-Disposition", "multipart/form-data; boundary=b", "--b\r\nX-Other: 1\r\n\r\nabc\r\n--b--\r\n", "Content-Disposition" },
        { "headers too long", "multipart/form-data; boundary=b", "--b\r\nX-Long: " + new string('h', 20_000) + "\r\n\r\nabc\r\n--b--\r\n", "malformed" },
        { "two packages", "multipart/form-data; boundary=b", Part("package", "a") + Part("package", "b") + "--b--\r\n", "more than one" },
        { "a name too long", "multipart/form-data; boundary=b", Part("name", new string('n', 2000)) + "--b--\r\n", "longer than" },
        { "no package", "multipart/form-data; boundary=b", Part("name", "demo:x") + "--b--\r\n", "needs a 'name' field and a 'package' file" },
    };

    [Theory]
    [MemberData(nameof(MalformedBodies))]
    public async Task A_malformed_multipart_body_is_refused_with_invalid_request(string _, string contentType, string body, string message)
    {
        using var content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
        content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        using var response = await _http.PostAsync("/v1/components", content);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var error = json.RootElement.GetProperty("error");

        Assert.Equal(400, (int)response.StatusCode);
        Assert.Equal("invalid-request", error.GetProperty("code").GetString());
        Assert.Contains(message, error.GetProperty("message").GetString());
        Assert.Equal(HttpStatusCode.OK, (await _http.GetAsync("/health")).StatusCode);
        Uploads.AssertNothingLeft(_server.DataDirectory, "demo:x");
    }

    private static string Part(string name, string value) =>
        $"--b\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n";

    private async Task<(int Status, JsonElement Error)> UploadAsync(byte[] package)
    {
        using var form = new MultipartFormDataContent
        {
            { new StringContent("demo:invalid"), "name" },
            { new ByteArrayContent(package), "package", "package.zip" },
        };
        using var response = await _http.PostAsync("/v1/components", form);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return ((int)response.StatusCode, json.RootElement.GetProperty("error").Clone());
    }

    private static byte[] Manifest(string entry) => Encoding.UTF8.GetBytes($"{{\"name\":\"demo:invalid\",\"entryAssembly\":\"{entry}\"}}");

    private static byte[] Zip(params (string Name, byte[] Content)[] files)
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, content) in files)
            {
                using var stream = zip.CreateEntry(name, CompressionLevel.NoCompression).Open();
                stream.Write(content);
            }
        }
        return buffer.ToArray();
    }
}
