using System.Buffers;
using System.Text;
using System.Text.Json;

namespace Clay.Server.Api;

/// <summary>
/// Reads a small JSON request body whole, then parses it in one pass. ASP.NET Core's own binding parses
/// as the body streams in, which keeps a resumable parser state (its frames, its buffers, its tasks) for
/// every request; an invocation's body is small and bounded by the request size limits, so it is simply
/// read first. Errors are those of the binding: a body that is not JSON, is not of the expected shape,
/// is null or is missing is a bad request.
/// </summary>
internal static class JsonBody
{
    /// <summary>Parses a whole JSON body.</summary>
    /// <exception cref="JsonException">It is not valid JSON of the expected shape.</exception>
    public delegate T Parser<out T>(ReadOnlySpan<byte> json);

    /// <summary>The body of <paramref name="request"/>, parsed by <paramref name="parse"/>.</summary>
    /// <exception cref="BadHttpRequestException">No JSON content type, no body, or JSON null.</exception>
    /// <exception cref="JsonException">The body is not valid JSON of the expected shape.</exception>
    public static async ValueTask<T> ReadAsync<T>(HttpRequest request, Parser<T> parse, CancellationToken cancellationToken)
    {
        if (!IsJson(request.ContentType))
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
                return Parse(read.Buffer, parse);
            }
            finally
            {
                body.AdvanceTo(read.Buffer.End);
            }
        }
    }

    /// <summary>
    /// Whether <paramref name="contentType"/> is JSON: <c>application/json</c> or a <c>+json</c> type, with
    /// any parameters, as ASP.NET Core's <c>HasJsonContentType</c> decides, without parsing it into objects.
    /// </summary>
    internal static bool IsJson(string? contentType)
    {
        if (contentType is null) return false;
        var media = contentType.AsSpan();
        if (media.IndexOf(';') is var parameters and >= 0) media = media[..parameters];
        media = media.Trim(" \t");
        var slash = media.IndexOf('/');
        if (slash <= 0 || slash == media.Length - 1 || media[(slash + 1)..].IndexOfAny(" \t/") >= 0 || media[..slash].IndexOfAny(" \t") >= 0) return false;
        return media.Equals("application/json", StringComparison.OrdinalIgnoreCase) || media.EndsWith("+json", StringComparison.OrdinalIgnoreCase);
    }

    private static T Parse<T>(ReadOnlySequence<byte> json, Parser<T> parse)
    {
        if (json.IsEmpty) throw new BadHttpRequestException("the request has no body: it must be a JSON object");
        try
        {
            if (json.IsSingleSegment) return parse(json.FirstSpan);
            var whole = ArrayPool<byte>.Shared.Rent(checked((int)json.Length));
            try
            {
                json.CopyTo(whole);
                return parse(whole.AsSpan(0, (int)json.Length));
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(whole);
            }
        }
        catch (InvalidOperationException ex)
        {
            // Text JSON cannot hold as a string (a lone surrogate): as invalid as any other.
            throw new JsonException(ex.Message, ex);
        }
    }

    /// <summary>
    /// The body of an invoke request. Property names match whatever their case, unknown ones are
    /// skipped, and nothing may follow the object: as the API's JSON options bind any other body.
    /// </summary>
    public static InvokeDto ParseInvoke(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json);
        Next(ref reader);
        if (reader.TokenType == JsonTokenType.Null) throw new BadHttpRequestException("the request body is JSON null: it must be a JSON object");
        if (reader.TokenType != JsonTokenType.StartObject) throw new JsonException("the request body must be a JSON object");
        string? function = null, key = null, mode = null;
        string[]? args = null;
        DateTimeOffset? scheduleAt = null;
        while (true)
        {
            Next(ref reader);
            if (reader.TokenType == JsonTokenType.EndObject) break;
            var name = reader;
            Next(ref reader);
            if (Is(ref name, "function"u8)) function = String(ref reader, "function");
            else if (Is(ref name, "args"u8)) args = Strings(ref reader);
            else if (Is(ref name, "idempotencyKey"u8)) key = String(ref reader, "idempotencyKey");
            else if (Is(ref name, "mode"u8)) mode = String(ref reader, "mode");
            else if (Is(ref name, "scheduleAt"u8)) scheduleAt = Time(ref reader);
            else reader.Skip();
        }
        // Anything after the object but white space is an error of the reader's.
        while (reader.Read()) { }
        return new InvokeDto(function, args, key, mode, scheduleAt);
    }

    private static void Next(ref Utf8JsonReader reader)
    {
        if (!reader.Read()) throw new JsonException("the request body ends before its JSON value does");
    }

    private static bool Is(ref Utf8JsonReader name, ReadOnlySpan<byte> property) =>
        name.ValueIsEscaped
            ? string.Equals(name.GetString(), Encoding.UTF8.GetString(property), StringComparison.OrdinalIgnoreCase)
            : Ascii.EqualsIgnoreCase(name.ValueSpan, property);

    private static string? String(ref Utf8JsonReader reader, string property) => reader.TokenType switch
    {
        JsonTokenType.Null => null,
        JsonTokenType.String => reader.GetString(),
        _ => throw new JsonException($"'{property}' must be a string"),
    };

    private static string[]? Strings(ref Utf8JsonReader reader)
    {
        if (reader.TokenType == JsonTokenType.Null) return null;
        if (reader.TokenType != JsonTokenType.StartArray) throw new JsonException("'args' must be an array of strings, one WAVE value each");
        // Counted first on a copy of the reader, so the array is made once, of its size.
        var ahead = reader;
        var count = 0;
        while (true)
        {
            Next(ref ahead);
            if (ahead.TokenType == JsonTokenType.EndArray) break;
            if (ahead.TokenType != JsonTokenType.String) throw new JsonException("'args' must be an array of strings, one WAVE value each");
            count++;
        }
        var values = new string[count];
        for (var i = 0; i < count; i++)
        {
            Next(ref reader);
            values[i] = reader.GetString()!;
        }
        Next(ref reader);
        return values;
    }

    private static DateTimeOffset? Time(ref Utf8JsonReader reader)
    {
        if (reader.TokenType == JsonTokenType.Null) return null;
        if (reader.TokenType == JsonTokenType.String && reader.TryGetDateTimeOffset(out var at)) return at;
        throw new JsonException("'scheduleAt' must be an ISO 8601 date and time");
    }
}
