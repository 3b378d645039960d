using System.Buffers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace Clay.Server.Api;

/// <summary>
/// Reads a small JSON request body whole, then parses it in one pass with the API's JSON options.
/// ASP.NET Core's own binding parses as the body streams in, which keeps a resumable parser state (its
/// frames, its buffers, its tasks) for every request; an invocation's body is small and bounded by the
/// request size limits, so it is simply read first. Errors are those of the binding: a body that is not
/// JSON, is not of the expected shape, is null or is missing is a bad request.
/// </summary>
internal static class JsonBody
{
    /// <summary>The body of <paramref name="request"/> as a <typeparamref name="T"/>.</summary>
    /// <exception cref="BadHttpRequestException">No JSON content type, no body, or JSON null.</exception>
    /// <exception cref="JsonException">The body is not valid JSON for <typeparamref name="T"/>.</exception>
    public static async ValueTask<T> ReadAsync<T>(HttpRequest request, CancellationToken cancellationToken) where T : class
    {
        if (!request.HasJsonContentType())
        {
            throw new BadHttpRequestException($"expected a JSON body (Content-Type: application/json), got '{request.ContentType}'",
                StatusCodes.Status415UnsupportedMediaType);
        }
        var body = request.BodyReader;
        while (true)
        {
            var read = await body.ReadAsync(cancellationToken);
            if (read.IsCanceled) throw new OperationCanceledException(cancellationToken);
            if (!read.IsCompleted)
            {
                // Nothing consumed, everything seen: the next read returns once more has come.
                body.AdvanceTo(read.Buffer.Start, read.Buffer.End);
                continue;
            }
            try
            {
                return Parse<T>(read.Buffer, TypeInfo<T>(request));
            }
            finally
            {
                body.AdvanceTo(read.Buffer.End);
            }
        }
    }

    private static T Parse<T>(ReadOnlySequence<byte> json, JsonTypeInfo<T> type) where T : class
    {
        if (json.IsEmpty) throw new BadHttpRequestException("the request has no body: it must be a JSON object");
        T? value;
        try
        {
            if (json.IsSingleSegment)
            {
                value = JsonSerializer.Deserialize(json.FirstSpan, type);
            }
            else
            {
                var whole = ArrayPool<byte>.Shared.Rent(checked((int)json.Length));
                try
                {
                    json.CopyTo(whole);
                    value = JsonSerializer.Deserialize(whole.AsSpan(0, (int)json.Length), type);
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(whole);
                }
            }
        }
        catch (InvalidOperationException ex)
        {
            // Text JSON cannot hold as a string (a lone surrogate): as invalid as any other.
            throw new JsonException(ex.Message, ex);
        }
        return value ?? throw new BadHttpRequestException("the request body is JSON null: it must be a JSON object");
    }

    private static JsonTypeInfo<T> TypeInfo<T>(HttpRequest request)
    {
        var options = request.HttpContext.RequestServices.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
        return (JsonTypeInfo<T>)options.GetTypeInfo(typeof(T));
    }
}
