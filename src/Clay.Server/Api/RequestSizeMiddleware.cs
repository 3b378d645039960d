using Clay.Server.Hosting;

namespace Clay.Server.Api;

/// <summary>
/// Bounds request bodies: only package uploads may be large; everything else is bounded by the
/// argument limit. A declared length over the bound is refused before any of the body is read.
/// </summary>
internal sealed class RequestSizeMiddleware(RequestDelegate next, ServerOptions options)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var upload = HttpMethods.IsPost(context.Request.Method) && context.Request.Path.Equals("/v1/components", StringComparison.Ordinal);
        var limit = upload ? options.MaxPackageBytes + (1 << 20) : options.MaxRequestBytes;
        if (context.Request.ContentLength > limit)
        {
            await ApiErrors.Result(upload ? ServerErrorCodes.PackageTooLarge : ServerErrorCodes.RequestTooLarge,
                $"the request body has {context.Request.ContentLength:N0} bytes; the server accepts {limit:N0} here"
                + (upload ? " (--max-package-size)" : " (it is bounded by --max-argument-size)")).ExecuteAsync(context);
            return;
        }
        if (!upload && context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } body)
        {
            body.MaxRequestBodySize = limit;
        }
        await next(context);
    }
}
