using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Clay.Client.Contracts;

namespace Clay.Client;

/// <summary>
/// The typed REST client of a Clay server: components, workers, invocations and oplogs, on the
/// API's contract types (<see cref="Contracts"/>). Errors the server reports become
/// <see cref="ClayApiException"/>s carrying its stable code. Thread-safe; one instance per server.
/// </summary>
public sealed partial class ClayClient : IDisposable
{
    private readonly HttpClient _http;
    private readonly bool _ownsHttp;

    /// <summary>A client of the server at <paramref name="server"/>, sending <paramref name="token"/> as bearer token when given.</summary>
    public ClayClient(Uri server, string? token = null)
    {
        ArgumentNullException.ThrowIfNull(server);
        // Relative routes resolve under the base address only when it ends with '/'.
        Server = server.AbsoluteUri.EndsWith('/') ? server : new Uri(server.AbsoluteUri + "/");
        _http = new HttpClient(new SocketsHttpHandler { UseProxy = false, ConnectTimeout = TimeSpan.FromSeconds(5) })
        {
            BaseAddress = Server,
            // Invocations may run for minutes; the server bounds them (--invocation-timeout).
            Timeout = Timeout.InfiniteTimeSpan,
        };
        if (token is not null) _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        _ownsHttp = true;
    }

    /// <summary>A client using <paramref name="httpClient"/>, whose <see cref="HttpClient.BaseAddress"/> is the server (the caller keeps ownership).</summary>
    public ClayClient(HttpClient httpClient)
    {
        ArgumentNullException.ThrowIfNull(httpClient);
        _http = httpClient;
        Server = httpClient.BaseAddress ?? throw new ArgumentException("the HttpClient needs a BaseAddress: the Clay server", nameof(httpClient));
    }

    /// <summary>The server's base address.</summary>
    public Uri Server { get; }

    private Task<T> GetAsync<T>(string path, JsonTypeInfo<T> result, CancellationToken ct) =>
        SendAsync(new HttpRequestMessage(HttpMethod.Get, path), result, ct);

    private Task<TResult> PostAsync<TBody, TResult>(string path, TBody body, JsonTypeInfo<TBody> bodyType, JsonTypeInfo<TResult> result, CancellationToken ct) =>
        SendAsync(new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonBody(body, bodyType) }, result, ct);

    /// <summary>
    /// The body serialized up front, so the request carries its Content-Length: a streamed JsonContent
    /// goes out chunked, which the server decodes through a chunked-body pump on every request.
    /// </summary>
    private static ByteArrayContent JsonBody<TBody>(TBody body, JsonTypeInfo<TBody> bodyType)
    {
        var content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(body, bodyType));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        return content;
    }

    private async Task<T> SendAsync<T>(HttpRequestMessage request, JsonTypeInfo<T> result, CancellationToken ct)
    {
        var text = await SendAsync(request, ct);
        try
        {
            return JsonSerializer.Deserialize(text, result)
                   ?? throw new JsonException("the body is null");
        }
        catch (JsonException ex)
        {
            throw new ClayApiException(ClientErrorCodes.ServerError,
                $"the answer of {Server} to {request.Method} {request.RequestUri} is not a {typeof(T).Name}: {ex.Message}", innerException: ex);
        }
    }

    /// <summary>Sends the request and returns the body of a successful answer; throws <see cref="ClayApiException"/> for any other.</summary>
    private async Task<string> SendAsync(HttpRequestMessage request, CancellationToken ct)
    {
        using (request)
        {
            HttpResponseMessage response;
            try
            {
                response = await _http.SendAsync(request, ct);
            }
            catch (HttpRequestException ex) when (IsUnreachable(ex))
            {
                throw Unreachable(ex);
            }
            catch (HttpRequestException ex)
            {
                // Sent, and no answer: the server may have done it all, some or nothing.
                throw new ClayApiException(ClientErrorCodes.ServerDisconnected,
                    $"the Clay server at {Server} closed the connection before answering {request.Method} {request.RequestUri} (did it stop?)",
                    innerException: ex);
            }
            using (response)
            {
                var text = await response.Content.ReadAsStringAsync(ct);
                if (response.IsSuccessStatusCode) return text;
                throw Failure(request, response, text);
            }
        }
    }

    /// <summary>The error of an unsuccessful answer whose body is <paramref name="text"/>.</summary>
    private ClayApiException Failure(HttpRequestMessage request, HttpResponseMessage response, string text)
    {
        var status = (int)response.StatusCode;
        if (ErrorOf(text) is { } error) return new ClayApiException(error.Code, error.Message, status);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return new ClayApiException(ClientErrorCodes.NotFound, $"the server has no {request.RequestUri} (is {Server} a Clay server?)", status);
        }
        return new ClayApiException(ClientErrorCodes.ServerError, $"the server answered {status} {response.ReasonPhrase}: {Truncate(text)}", status);
    }

    /// <summary>The error for a request that never got an answer because nothing listens at <see cref="Server"/>.</summary>
    private ClayApiException Unreachable(HttpRequestException ex) =>
        new(ClientErrorCodes.ServerUnreachable, $"cannot reach the Clay server at {Server} ({ex.InnerException?.Message ?? ex.Message})", innerException: ex);

    private static bool IsUnreachable(HttpRequestException ex) =>
        ex.InnerException is SocketException || ex.HttpRequestError is HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError;

    /// <summary>The Clay error in an error body, when it is one.</summary>
    private static ApiError? ErrorOf(string text)
    {
        if (text.Length == 0) return null;
        try
        {
            return JsonSerializer.Deserialize(text, ClayJsonContext.Default.ApiErrorBody)?.Error is { Code: { Length: > 0 } } error
                ? error with { Message = string.IsNullOrEmpty(error.Message) ? error.Code : error.Message }
                : null;
        }
        catch (JsonException)
        {
            // Not a Clay error (a proxy's page, say): reported with the status.
            return null;
        }
    }

    private static string Truncate(string text) => text.Length <= 300 ? text : text[..300] + "…";

    /// <inheritdoc/>
    public void Dispose()
    {
        if (_ownsHttp) _http.Dispose();
    }
}
