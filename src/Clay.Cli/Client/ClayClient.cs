using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Clay.Cli.Client;

/// <summary>The REST client of the Clay server. Server errors become <see cref="CliException"/>s carrying the server's code.</summary>
public sealed class ClayClient : IDisposable
{
    private readonly HttpClient _http;

    /// <summary>A client of the server at <paramref name="server"/>, sending <paramref name="token"/> when given.</summary>
    public ClayClient(Uri server, string? token = null)
    {
        Server = server;
        _http = new HttpClient(new SocketsHttpHandler { UseProxy = false, ConnectTimeout = TimeSpan.FromSeconds(5) })
        {
            BaseAddress = server,
            Timeout = Timeout.InfiniteTimeSpan,
        };
        if (token is not null) _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
    }

    /// <summary>The server's base address.</summary>
    public Uri Server { get; }

    /// <summary>GET, returning the JSON body.</summary>
    public Task<JsonNode> GetAsync(string path, CancellationToken ct) => SendAsync(HttpMethod.Get, path, null, ct);

    /// <summary>POST a JSON body, returning the JSON body.</summary>
    public Task<JsonNode> PostAsync(string path, JsonNode body, CancellationToken ct) =>
        SendAsync(HttpMethod.Post, path, new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"), ct);

    /// <summary>DELETE.</summary>
    public Task<JsonNode> DeleteAsync(string path, CancellationToken ct) => SendAsync(HttpMethod.Delete, path, null, ct);

    /// <summary>Uploads a component package as multipart/form-data.</summary>
    public Task<JsonNode> UploadAsync(string name, byte[] package, CancellationToken ct)
    {
        var form = new MultipartFormDataContent
        {
            { new StringContent(name), "name" },
        };
        var file = new ByteArrayContent(package);
        file.Headers.ContentType = new MediaTypeHeaderValue("application/zip");
        form.Add(file, "package", "package.zip");
        return SendAsync(HttpMethod.Post, "v1/components", form, ct);
    }

    private async Task<JsonNode> SendAsync(HttpMethod method, string path, HttpContent? content, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(method, path) { Content = content };
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, ct);
        }
        catch (HttpRequestException ex) when (ex.InnerException is SocketException || ex.HttpRequestError is HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError)
        {
            throw new CliException("server-unreachable",
                $"cannot reach the Clay server at {Server} ({ex.InnerException?.Message ?? ex.Message}); start it with 'clay server run' or pass --server URL",
                ExitCodes.Unreachable);
        }
        using (response)
        {
            var text = await response.Content.ReadAsStringAsync(ct);
            JsonNode? json = null;
            if (text.Length > 0)
            {
                try
                {
                    json = JsonNode.Parse(text);
                }
                catch (JsonException)
                {
                    // Not JSON: reported below with the status.
                }
            }
            if (response.IsSuccessStatusCode) return json ?? new JsonObject();
            if (json?["error"] is JsonObject error && error["code"]?.GetValue<string>() is { } code)
            {
                throw new CliException(code, error["message"]?.GetValue<string>() ?? code, CliException.ExitCodeOf(code));
            }
            if (response.StatusCode == HttpStatusCode.NotFound)
                throw new CliException("not-found", $"the server has no {path} (is {Server} a Clay server?)", ExitCodes.NotFound);
            throw new CliException("server-error", $"the server answered {(int)response.StatusCode} {response.ReasonPhrase}: {Truncate(text)}", ExitCodes.Failed);
        }
    }

    private static string Truncate(string text) => text.Length <= 300 ? text : text[..300] + "…";

    /// <inheritdoc/>
    public void Dispose() => _http.Dispose();
}
