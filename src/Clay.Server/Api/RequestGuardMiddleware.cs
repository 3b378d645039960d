using System.Net;
using Clay.Server.Hosting;

namespace Clay.Server.Api;

/// <summary>
/// Refuses requests that a web page in the user's browser could make: on loopback, a <c>Host</c>
/// that is not this server's own loopback name and port (DNS rebinding: a site whose name now
/// points at 127.0.0.1); everywhere, an <c>Origin</c> other than the server's own and
/// <c>Sec-Fetch-Site</c> values that say the request crosses sites. Both answer 403.
/// </summary>
internal sealed class RequestGuardMiddleware(RequestDelegate next, ServerOptions options)
{
    private static readonly string[] LoopbackNames = ["localhost", "127.0.0.1", "[::1]"];

    public Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        var port = context.Connection.LocalPort;
        if (!options.BeyondLoopback && !IsOwnLoopbackHost(request.Host, port))
        {
            return Refuse(context, ServerErrorCodes.ForbiddenHost,
                $"the request is for host '{request.Host}', not this server's own loopback address (http://127.0.0.1:{port} or http://localhost:{port}); requests through other names are refused (DNS rebinding)");
        }
        if (request.Headers.Origin is { Count: > 0 } origins && !IsSameOrigin(origins.ToString(), request.Host))
        {
            return Refuse(context, ServerErrorCodes.ForbiddenOrigin,
                $"the request comes from a web page at '{origins}', not from this server: cross-site requests are refused");
        }
        if (request.Headers["Sec-Fetch-Site"] is { Count: > 0 } site && site.ToString() is not ("same-origin" or "none"))
        {
            return Refuse(context, ServerErrorCodes.ForbiddenOrigin,
                $"the request comes from a web page of another site (Sec-Fetch-Site: {site}): cross-site requests are refused");
        }
        return next(context);
    }

    private bool IsOwnLoopbackHost(HostString host, int port)
    {
        if (!host.HasValue || host.Port is not { } hostPort || hostPort != port) return false;
        // The name is read in place (HostString.Host would make a string of it on every request).
        var value = host.Value.AsSpan();
        var name = value[0] == '[' ? value[..(value.IndexOf(']') + 1)] : value[..value.LastIndexOf(':')];
        foreach (var loopback in LoopbackNames)
        {
            if (name.Equals(loopback, StringComparison.OrdinalIgnoreCase)) return true;
        }
        // Also the exact loopback address the server listens on (127.0.0.2, …).
        return IPAddress.TryParse(name.Trim("[]"), out var address) && IPAddress.IsLoopback(address) && address.Equals(options.Listen);
    }

    private static bool IsSameOrigin(string origin, HostString host)
    {
        if (!Uri.TryCreate(origin, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || !host.HasValue) return false;
        var hostPort = host.Port ?? (uri.Scheme == "https" ? 443 : 80);
        return string.Equals(uri.Host, host.Host, StringComparison.OrdinalIgnoreCase) && uri.Port == hostPort;
    }

    private static Task Refuse(HttpContext context, string code, string message) => ApiErrors.Result(code, message).ExecuteAsync(context);
}
