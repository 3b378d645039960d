using Clay.Server.Dashboard;
using Clay.Server.Hosting;

namespace Clay.Server.Api;

/// <summary>
/// Answers 401 <c>unauthorized</c> to every request without the server's access token, except the
/// health checks (<c>/health</c>, <c>/health/live</c>, <c>/health/ready</c>: probes carry no token)
/// and the dashboard's login page; the dashboard's pages may carry the token in its cookie
/// (<see cref="DashboardAccess"/>), and a browser without it is sent to the login page. On loopback
/// the token is the local credential that <c>clay</c> on the same machine reads by itself, so another
/// user of the machine (or anything that cannot read the user's files) can neither change nor read
/// the server's workers. Runs before the body is looked at.
/// </summary>
internal sealed class AccessTokenMiddleware(RequestDelegate next, AccessToken token, ServerOptions options)
{
    public Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        if (request.Path.StartsWithSegments("/health", StringComparison.Ordinal) || token.Accepts(request.Headers.Authorization)
            || DashboardAccess.IsOpen(request) || DashboardAccess.Allows(request, token))
        {
            return next(context);
        }
        if (DashboardAccess.WantsLoginPage(context.Request))
        {
            context.Response.Redirect("/ui/login");
            return Task.CompletedTask;
        }
        context.Response.Headers.WWWAuthenticate = "Bearer";
        var message = request.Headers.Authorization.Count > 0
            ? "the access token is not valid for this server"
            : options.BeyondLoopback
                ? "this server requires an access token: send 'Authorization: Bearer TOKEN' (clay profile set token TOKEN); the token is in the server's data directory, file access-token"
                : "this server requires its local access token: clay on the same machine, run by the same user, sends it by itself; other clients send 'Authorization: Bearer TOKEN' with the token from the server's data directory, file access-token";
        return ApiErrors.Result(ServerErrorCodes.Unauthorized, message).ExecuteAsync(context);
    }
}
