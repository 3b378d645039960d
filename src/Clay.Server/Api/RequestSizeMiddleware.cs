using Clay.Server.Hosting;

namespace Clay.Server.Api;

/// <summary>
/// Bounds request bodies: only package uploads may be large; everything else is bounded by the
/// argument limit. A declared length over the bound is refused before any of the body is read.
/// </summary>
internal sealed class RequestSizeMiddleware(RequestDelegate next, ServerOptions options)
{
    public Task InvokeAsync(HttpContext context)
    {
        var upload = HttpMethods.IsPost(context.Request.Method) && context.Request.Path.Equals("/v1/components", StringComparison.Ordinal);
        var limit = upload ? options.MaxPackageBytes + (1 << 20) : options.MaxRequestBytes;
        if (context.Request.ContentLength > limit)
        {
            return ApiErrors.Result(upload ? ServerErrorCodes.PackageTooLarge : ServerErrorCodes.RequestTooLarge,
                $"the request body has {context.Request.ContentLength:N0} bytes; the server accepts {limit:N0} here"
                + (upload ? " (--max-package-size)" : " (it is bounded by --max-argument-size)")).ExecuteAsync(context);
        }
        if (!upload && context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } body)
        {
            body.MaxRequestBodySize = limit;
        }
        // Not awaited here: a request within its bound costs no state machine of this middleware.
        return next(context);
    }
}
