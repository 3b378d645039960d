using Clay.Server.Hosting;

namespace Clay.Server.Api;

/// <summary>Answers 401 <c>unauthorized</c> to every request without the access token, except <c>GET /health</c>.</summary>
internal sealed class AccessTokenMiddleware(RequestDelegate next, AccessToken token)
{
    public Task InvokeAsync(HttpContext context)
    {
        if (context.Request.Path.Equals("/health", StringComparison.Ordinal) || token.Accepts(context.Request.Headers.Authorization))
        {
            return next(context);
        }
        context.Response.Headers.WWWAuthenticate = "Bearer";
        var message = context.Request.Headers.Authorization.Count == 0
            ? "this server requires an access token: send 'Authorization: Bearer TOKEN' (clay profile set token TOKEN); the token is in the server's data directory, file access-token"
            : "the access token is not valid for this server";
        return ApiErrors.Result(ServerErrorCodes.Unauthorized, message).ExecuteAsync(context);
    }
}
