using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Clay.Dashboard.Tests;

/// <summary>The dashboard in a real headless Chromium against a real server.</summary>
[Trait("Category", "Dashboard")]
public sealed class DashboardTests(DashboardServer dashboard) : IClassFixture<DashboardServer>
{
    private const string Cart = DashboardServer.Cart;
    private const string Talker = DashboardServer.Talker;

    static DashboardTests() => SetDefaultExpectTimeout(30_000);

    [Fact]
    public async Task Every_page_loads_without_console_errors()
    {
        await dashboard.InvokeAsync(Cart, "shown", "initialize-cart", "\"user1\"");
        await dashboard.InvokeAsync(Cart, "shown", "add-item", "{ product-id: \"p1\", name: \"Example product\", price: 1000.0, quantity: 2 }");
        var (page, problems) = await dashboard.Browser.NewPageAsync();

        await page.GotoAsync(Url("/ui"));
        await Expect(page.Locator("#components")).ToContainTextAsync(Cart);
        await Expect(page.Locator("#components")).ToContainTextAsync(Talker);
        await ScreenshotAsync(page, "dashboard-components.png");

        await page.Locator("#components a", new() { HasText = Cart }).ClickAsync();
        await Expect(page).ToHaveURLAsync(Url("/ui/components/demo%3Acart"));
        await Expect(page.Locator("#wit")).ToContainTextAsync("add-item: func(item: product-item);");
        await Expect(page.Locator("#worker-table td.worker-name")).ToHaveCountAsync(50);
        await ScreenshotAsync(page, "dashboard-component.png");

        await page.GotoAsync(Url($"/ui/components/{Cart}/workers/shown"));
        await Expect(page.Locator("#worker-status")).ToHaveTextAsync("Idle");
        await Expect(page.Locator("#oplog-entries")).ToContainTextAsync("add-item");
        await Expect(page.Locator("#log-state")).ToHaveTextAsync("live");
        await Expect(page.Locator("#log-lines")).ToContainTextAsync("Adding item p1 to the cart of user user1");
        await page.SelectOptionAsync("#function", "add-item");
        await Expect(page.Locator("#signature")).ToHaveTextAsync("add-item(item: product-item)");
        await ScreenshotAsync(page, "dashboard-worker.png");

        // Load for the charts: the server page must show the invocations it answered.
        var load = Task.WhenAll(Enumerable.Range(0, 8).Select(async c =>
        {
            for (var i = 0; i < 400; i++) await dashboard.InvokeAsync(Cart, $"w{(c * 400 + i) * 3 % DashboardServer.ManyWorkers:D5}", "get-cart-contents");
        }));
        await page.GotoAsync(Url("/ui/server"));
        await Expect(page.Locator("#card-resident .value")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^[0-9,]+$"));
        await Expect(page.Locator("#card-memory .value")).ToContainTextAsync(" of ");
        await Expect(page.Locator("#chart-invocations path.series")).ToHaveCountAsync(1);
        await load;
        await Expect(page.Locator("#card-invocations .value")).ToContainTextAsync(new System.Text.RegularExpressions.Regex("^[0-9],[0-9]{3}"));
        await ScreenshotAsync(page, "dashboard-server.png");

        await page.GotoAsync(Url("/ui/no/such/page"));
        await Expect(page.Locator("h1")).ToHaveTextAsync("Not found");
        await page.CloseAsync();
        Assert.Empty(problems);
    }

    [Fact]
    public async Task Invoking_add_item_from_the_form_shows_the_result_and_the_new_oplog_entry()
    {
        await dashboard.InvokeAsync(Cart, "form", "initialize-cart", "\"user9\"");
        var (page, problems) = await dashboard.Browser.NewPageAsync();
        await page.GotoAsync(Url($"/ui/components/{Cart}/workers/form"));

        await page.SelectOptionAsync("#function", "add-item");
        var item = page.Locator("textarea[data-parameter=item]");
        await Expect(page.Locator("label.parameter")).ToContainTextAsync("item: product-item");
        await Expect(item).ToHaveValueAsync(new System.Text.RegularExpressions.Regex("^\\{product-id: \"\", name: \"\", price: 0"));
        await Expect(page.Locator("pre.definition")).ToContainTextAsync("record product-item {");
        await item.FillAsync("{ product-id: \"dash-1\", name: \"From the dashboard\", price: 12.5, quantity: 3 }");
        await page.ClickAsync("#invoke-submit");

        await Expect(page.Locator("#invoke-output")).ToHaveTextAsync("(no result)");
        var invoked = page.Locator("#oplog-entries li[data-kind=exported-function-invoked]").Last;
        await Expect(invoked).ToContainTextAsync("add-item");
        await Expect(invoked).ToContainTextAsync("dash-1");
        await Expect(page.Locator("#oplog-entries li[data-kind=exported-function-completed]").Last).ToBeVisibleAsync();

        await page.SelectOptionAsync("#function", "get-cart-contents");
        await page.ClickAsync("#invoke-submit");
        await Expect(page.Locator("#invoke-output")).ToHaveTextAsync(
            "[{product-id: \"dash-1\", name: \"From the dashboard\", price: 12.5, quantity: 3}]");
        var contents = await dashboard.InvokeAsync(Cart, "form", "get-cart-contents");
        Assert.Contains("dash-1", contents["result"]!["wave"]!.GetValue<string>());
        Assert.Empty(problems);

        // A value that does not fit the parameter's type: the form shows the server's coded error.
        await page.SelectOptionAsync("#function", "add-item");
        await page.Locator("textarea[data-parameter=item]").FillAsync("{ product-id: 7 }");
        await page.ClickAsync("#invoke-submit");
        await Expect(page.Locator("#invoke-error")).ToContainTextAsync("invalid-");
        await page.CloseAsync();
    }

    [Fact]
    public async Task A_log_line_written_by_a_running_worker_appears_live()
    {
        await dashboard.InvokeAsync(Talker, "live", "get");
        var (page, problems) = await dashboard.Browser.NewPageAsync();
        await page.GotoAsync(Url($"/ui/components/{Talker}/workers/live"));
        await Expect(page.Locator("#log-state")).ToHaveTextAsync("live");

        // Written after the page opened, while the invocation goes on: only the live stream can show them.
        var running = dashboard.InvokeAsync(Talker, "live", "talk", "3", "100", "60000");
        await Expect(page.Locator("#log-lines .message")).ToHaveTextAsync(["line 1", "line 2", "line 3"]);

        Assert.False(running.IsCompleted, "the invocation ended before its lines were shown; that would not show they came live");
        await page.CloseAsync();
        Assert.Empty(problems);
    }

    [Fact]
    public async Task The_worker_list_pages_through_ten_thousand_workers()
    {
        var (page, problems) = await dashboard.Browser.NewPageAsync();
        await page.GotoAsync(Url($"/ui/components/{Cart}"));
        await Expect(page.Locator("#page-position")).ToContainTextAsync("page 1:");
        await page.SelectOptionAsync("#page-size", "500");
        await Expect(page.Locator("#page-position")).ToContainTextAsync("page 1: workers 1–500 ");

        var names = new List<string>();
        var pages = 0;
        while (true)
        {
            await Expect(page.Locator("#page-position")).ToContainTextAsync($"page {pages + 1}: workers {names.Count + 1:N0}–");
            names.AddRange(await page.Locator("#worker-table td.worker-name").AllInnerTextsAsync());
            pages++;
            if (await page.Locator("#next-page").IsDisabledAsync()) break;
            await page.ClickAsync("#next-page");
        }

        var many = names.Where(n => n.Length == 6 && n[0] == 'w').ToList();
        Assert.Equal(Enumerable.Range(0, DashboardServer.ManyWorkers).Select(n => $"w{n:D5}"), many);
        Assert.Equal(names.Count, names.Distinct().Count());
        Assert.Equal(names.Order(StringComparer.Ordinal), names);
        Assert.True(pages >= DashboardServer.ManyWorkers / 500, $"{pages} pages");

        await page.ClickAsync("#previous-page");
        await Expect(page.Locator("#page-position")).ToContainTextAsync($"page {pages - 1}:");

        await page.FillAsync("#name-search", "w0999");
        await Expect(page.Locator("#worker-table td.worker-name")).ToHaveTextAsync(Enumerable.Range(0, 10).Select(i => $"w0999{i}").ToArray());
        await page.SelectOptionAsync("#status-filter", "Failed");
        await Expect(page.Locator("#worker-table")).ToHaveTextAsync("No worker matches.");
        await page.CloseAsync();
        Assert.Empty(problems);
    }

    private string Url(string path) => dashboard.Server.Url + path;

    private Task ScreenshotAsync(IPage page, string name) =>
        page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(dashboard.Screenshots, name), FullPage = true });
}
