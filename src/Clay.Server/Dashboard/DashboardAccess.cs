using Clay.Server.Hosting;

namespace Clay.Server.Dashboard;

/// <summary>
/// How a browser holds the access token when the server requires one: <c>POST /ui/login</c> with
/// the token sets it in an HttpOnly, SameSite=Strict cookie, which the browser then sends with the
/// dashboard's own requests (including its log streams, which cannot carry headers). Requests
/// authorized by the cookie that change something must also carry <c>X-Clay-Dashboard</c>, a
/// header another site's page cannot add without the server's consent.
/// </summary>
public static class DashboardAccess
{
    /// <summary>The cookie's name.</summary>
    public const string CookieName = "clay-token";

    /// <summary>The header the dashboard sends with its requests.</summary>
    public const string Header = "X-Clay-Dashboard";

    /// <summary>True for the pages served without the token: the login page and its style sheet.</summary>
    public static bool IsOpen(HttpRequest request) =>
        request.Path.Equals("/ui/login", StringComparison.Ordinal) || request.Path.Equals("/ui/assets/style.css", StringComparison.Ordinal);

    /// <summary>True when the request carries the token in the dashboard's cookie, and the header if it changes something.</summary>
    public static bool Allows(HttpRequest request, AccessToken token)
    {
        if (!request.Cookies.TryGetValue(CookieName, out var value) || !token.Accepts("Bearer " + value)) return false;
        var safe = HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method) || HttpMethods.IsOptions(request.Method);
        return safe || request.Headers.ContainsKey(Header);
    }

    /// <summary>True for a browser asking for a dashboard page: it is sent to the login page rather than given a JSON error.</summary>
    public static bool WantsLoginPage(HttpRequest request) =>
        HttpMethods.IsGet(request.Method) && request.Path.StartsWithSegments("/ui", StringComparison.Ordinal)
        && request.Headers.Accept.ToString().Contains("text/html", StringComparison.Ordinal);

    /// <summary>Sets the cookie after a login with the right token.</summary>
    public static void SetCookie(HttpResponse response, string token) =>
        response.Cookies.Append(CookieName, token, new CookieOptions
        {
            HttpOnly = true,
            SameSite = SameSiteMode.Strict,
            Path = "/",
            IsEssential = true,
        });
}
