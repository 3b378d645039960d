using System.Text.Json;
using Clay.Runtime.Errors;
using Microsoft.AspNetCore.Http;

namespace Clay.Server.Api;

/// <summary>
/// Turns every failure into a JSON error with a stable code: Clay's own errors keep theirs,
/// malformed requests get 4xx, and only a genuine bug becomes a 500. The server keeps serving.
/// </summary>
internal sealed class ErrorHandlingMiddleware(RequestDelegate next, ILogger<ErrorHandlingMiddleware> logger)
{
    private static bool IsUpload(HttpContext context) =>
        HttpMethods.IsPost(context.Request.Method) && context.Request.Path.Equals("/v1/components", StringComparison.Ordinal);

    /// <summary>Runs the rest of the pipeline, answering what it throws; an endpoint that answers its own errors runs as it is.</summary>
    public Task InvokeAsync(HttpContext context) =>
        context.GetEndpoint()?.Metadata.GetMetadata<AnswersItsErrors>() is null ? GuardedAsync(context) : next(context);

    private async Task GuardedAsync(HttpContext context)
    {
        try
        {
            await next(context);
        }
        catch (Exception ex) when (!context.Response.HasStarted)
        {
            await AnswerAsync(context, ex, logger);
        }
    }

    /// <summary>Answers <paramref name="ex"/>, thrown before the response started, with its coded JSON error.</summary>
    public static Task AnswerAsync(HttpContext context, Exception ex, ILogger logger)
    {
        var (code, message) = ex switch
        {
            ClayException clay => (clay.Code, clay.Message),
            BadHttpRequestException bad when bad.StatusCode == StatusCodes.Status413PayloadTooLarge && IsUpload(context) =>
                (ServerErrorCodes.PackageTooLarge, "the package is larger than the server accepts (--max-package-size)"),
            BadHttpRequestException bad when bad.StatusCode == StatusCodes.Status413PayloadTooLarge =>
                (ServerErrorCodes.RequestTooLarge, "the request body is larger than the server accepts (it is bounded by --max-argument-size)"),
            BadHttpRequestException bad => (ServerErrorCodes.InvalidRequest, bad.Message),
            JsonException json => (ServerErrorCodes.InvalidRequest, $"the request body is not valid JSON: {json.Message}"),
            InvalidDataException data => (ServerErrorCodes.InvalidRequest, data.Message),
            OperationCanceledException when context.RequestAborted.IsCancellationRequested => (ErrorCodes.Cancelled, "the request was cancelled"),
            // A request that came in as the server began to stop (a reader reconnecting, a keep-alive
            // connection's next request) is cut by the stop — its tokens cancelled, the silo refusing
            // calls — not by a bug: 503, which clients retry.
            _ when Stopping(context) => CutByStop(),
            _ => (ServerErrorCodes.Internal, $"internal error: {ex.GetType().Name}: {ex.Message}"),
        };
        if (code == ServerErrorCodes.Internal) logger.LogError(ex, "Unhandled failure on {Method} {Path}", context.Request.Method, context.Request.Path);
        context.Response.Clear();
        if (code == ErrorCodes.TooManyPending) context.Response.Headers.RetryAfter = "1";
        return ApiErrors.Result(code, message).ExecuteAsync(context);

        (string, string) CutByStop()
        {
            logger.LogInformation("{Method} {Path} was cut by the server's stop: {Failure}", context.Request.Method, context.Request.Path, ex.Message);
            return (ErrorCodes.Cancelled, "the server is stopping; retry once it is back");
        }
    }

    private static bool Stopping(HttpContext context) =>
        context.RequestServices.GetService<IHostApplicationLifetime>() is { ApplicationStopping.IsCancellationRequested: true };
}

/// <summary>
/// Marks an endpoint that answers its own errors as <see cref="ErrorHandlingMiddleware.AnswerAsync"/>
/// does, so the middleware adds no frame of its own around it (the invocation endpoint, the hot path).
/// </summary>
internal sealed class AnswersItsErrors
{
    /// <summary>The mark.</summary>
    public static readonly AnswersItsErrors Instance = new();
}
