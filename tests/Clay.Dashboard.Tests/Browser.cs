using System.Diagnostics;
using Microsoft.Playwright;

namespace Clay.Dashboard.Tests;

/// <summary>
/// Debian's headless Chromium (installed by scripts/install-browser.sh), driven by Playwright, with
/// a fresh profile and nothing that reaches the network. Disposing closes it, then makes sure its
/// process (by the pid the browser reports) is gone.
/// </summary>
public sealed class Browser : IAsyncDisposable
{
    public const string Executable = "/usr/bin/chromium";

    private readonly IPlaywright _playwright;
    private readonly string _profile;
    private readonly int _pid;

    private Browser(IPlaywright playwright, IBrowserContext context, string profile, int pid)
    {
        _playwright = playwright;
        Context = context;
        _profile = profile;
        _pid = pid;
    }

    public IBrowserContext Context { get; }

    public static async Task<Browser> LaunchAsync()
    {
        EnsureInstalled();
        var profile = Path.Combine(Path.GetTempPath(), "clay-chromium-" + Guid.NewGuid().ToString("N"));
        var playwright = await Playwright.CreateAsync();
        try
        {
            var context = await playwright.Chromium.LaunchPersistentContextAsync(profile, new BrowserTypeLaunchPersistentContextOptions
            {
                ExecutablePath = Executable,
                Headless = true,
                Args =
                [
                    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync",
                ],
                ViewportSize = new ViewportSize { Width = 1400, Height = 900 },
            });
            var cdp = await context.Browser!.NewBrowserCDPSessionAsync();
            var info = await cdp.SendAsync("SystemInfo.getProcessInfo");
            var pid = info!.Value.GetProperty("processInfo").EnumerateArray()
                .First(p => p.GetProperty("type").GetString() == "browser").GetProperty("id").GetInt32();
            return new Browser(playwright, context, profile, pid);
        }
        catch
        {
            playwright.Dispose();
            throw;
        }
    }

    /// <summary>A new page that records console errors, uncaught exceptions and failed requests.</summary>
    public async Task<(IPage Page, List<string> Problems)> NewPageAsync()
    {
        var page = await Context.NewPageAsync();
        var problems = new List<string>();
        page.Console += (_, message) => { if (message.Type == "error") lock (problems) problems.Add($"console: {message.Text}"); };
        page.PageError += (_, error) => { lock (problems) problems.Add($"exception: {error}"); };
        page.RequestFailed += (_, request) =>
        {
            // A page left while its log stream is open cancels the stream: that is not a failure.
            if (request.Failure?.Contains("ERR_ABORTED", StringComparison.Ordinal) == true && request.Url.EndsWith("/logs", StringComparison.Ordinal)) return;
            if (request.Failure?.Contains("ERR_ABORTED", StringComparison.Ordinal) == true && request.Url.Contains("/logs?", StringComparison.Ordinal)) return;
            lock (problems) problems.Add($"request failed: {request.Method} {request.Url} {request.Failure}");
        };
        page.Response += (_, response) => { if (response.Status >= 400) lock (problems) problems.Add($"HTTP {response.Status}: {response.Url}"); };
        return (page, problems);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await Context.CloseAsync();
        }
        finally
        {
            _playwright.Dispose();
            try
            {
                using var process = Process.GetProcessById(_pid);
                if (!process.WaitForExit(TimeSpan.FromSeconds(10)))
                {
                    process.Kill(entireProcessTree: true);
                    process.WaitForExit();
                }
            }
            catch (ArgumentException)
            {
                // Already gone.
            }
            try { Directory.Delete(_profile, recursive: true); } catch (IOException) { }
        }
    }

    private static void EnsureInstalled()
    {
        if (File.Exists(Executable)) return;
        var script = Path.Combine(ClayInstallation.RepositoryRoot, "scripts", "install-browser.sh");
        using var install = Process.Start(new ProcessStartInfo("bash", [script]) { UseShellExecute = false })!;
        install.WaitForExit();
        if (install.ExitCode != 0 || !File.Exists(Executable)) throw new InvalidOperationException($"{script} could not install Chromium");
    }
}
