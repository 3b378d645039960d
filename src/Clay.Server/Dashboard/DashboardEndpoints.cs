using Clay.Server.Hosting;

namespace Clay.Server.Dashboard;

/// <summary>
/// The web dashboard at <c>/ui</c>: one page (index.html and its script) that routes every path
/// under <c>/ui</c> itself and reads the REST API; <c>/ui/login</c> when a token is required.
/// </summary>
public static class DashboardEndpoints
{
    /// <summary>Maps <c>/ui</c> and the dashboard's own API route.</summary>
    public static void MapDashboard(this IEndpointRouteBuilder app, AccessToken? token)
    {
        var assets = DashboardAssets.Load();
        app.MapFunctionShapes();
        app.MapGet("/ui/login", (HttpContext context) => Page(context, assets, "login.html", null));
        app.MapPost("/ui/login", async (HttpContext context) =>
        {
            if (token is null) return Results.Redirect("/ui");
            var form = context.Request.HasFormContentType ? await context.Request.ReadFormAsync(context.RequestAborted) : null;
            var given = form?["token"].ToString().Trim() ?? "";
            if (!token.Accepts("Bearer " + given))
            {
                return Page(context, assets, "login.html", "That is not this server's access token.", StatusCodes.Status401Unauthorized);
            }
            DashboardAccess.SetCookie(context.Response, given);
            return Results.Redirect("/ui", permanent: false, preserveMethod: false);
        }).DisableAntiforgery();
        app.MapGet("/ui/assets/{*file}", (HttpContext context, string file) => Page(context, assets, "assets/" + file, null));
        app.MapGet("/ui", (HttpContext context) => Page(context, assets, "index.html", null));
        // Every other path under /ui is a page of the dashboard, which routes it in the browser.
        app.MapGet("/ui/{*path}", (HttpContext context) => Page(context, assets, "index.html", null));
    }

    private static IResult Page(HttpContext context, DashboardAssets assets, string path, string? message, int status = StatusCodes.Status200OK)
    {
        if (!assets.IsBuilt)
        {
            return Results.Text("This clay-server was built without its dashboard (scripts/build-dashboard.sh builds it).", "text/plain", statusCode: 404);
        }
        if (assets.Find(path) is not { } asset) return Results.NotFound();
        var headers = context.Response.Headers;
        headers.CacheControl = "no-cache";
        headers.ETag = asset.ETag;
        headers.XContentTypeOptions = "nosniff";
        if (asset.ContentType.StartsWith("text/html", StringComparison.Ordinal))
        {
            // The dashboard loads nothing from elsewhere; say so, so a browser refuses if anything tries.
            headers.ContentSecurityPolicy = "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'";
        }
        if (message is null && status == StatusCodes.Status200OK && context.Request.Headers.IfNoneMatch.ToString() == asset.ETag)
        {
            return Results.StatusCode(StatusCodes.Status304NotModified);
        }
        if (message is not null)
        {
            var html = System.Text.Encoding.UTF8.GetString(asset.Content)
                .Replace("<!--message-->", $"<p class=\"error\">{System.Net.WebUtility.HtmlEncode(message)}</p>", StringComparison.Ordinal);
            return Results.Content(html, asset.ContentType, System.Text.Encoding.UTF8, status);
        }
        return Results.Bytes(asset.Content, asset.ContentType);
    }
}
