using Clay.Server.Dashboard;
using Clay.Server.Hosting;

namespace Clay.Server.Api;

/// <summary>
/// Answers 401 <c>unauthorized</c> to every request without the access token, except the health checks
/// (<c>/health</c>, <c>/health/live</c>, <c>/health/ready</c>: probes carry no token) and the dashboard's login page; the dashboard's pages may carry the token in its cookie
/// (<see cref="DashboardAccess"/>), and a browser without it is sent to the login page.
/// </summary>
internal sealed class AccessTokenMiddleware(RequestDelegate next, AccessToken token)
{
    public Task InvokeAsync(HttpContext context)
    {
        if (context.Request.Path.StartsWithSegments("/health", StringComparison.Ordinal) || token.Accepts(context.Request.Headers.Authorization)
            || DashboardAccess.IsOpen(context.Request) || DashboardAccess.Allows(context.Request, token))
        {
            return next(context);
        }
        if (DashboardAccess.WantsLoginPage(context.Request))
        {
            context.Response.Redirect("/ui/login");
            return Task.CompletedTask;
        }
        context.Response.Headers.WWWAuthenticate = "Bearer";
        var message = context.Request.Headers.Authorization.Count == 0
            ? "this server requires an access token: send 'Authorization: Bearer TOKEN' (clay profile set token TOKEN); the token is in the server's data directory, file access-token"
            : "the access token is not valid for this server";
        return ApiErrors.Result(ServerErrorCodes.Unauthorized, message).ExecuteAsync(context);
    }
}
