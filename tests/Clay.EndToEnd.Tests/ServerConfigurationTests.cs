using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Clay.EndToEnd.Tests;

/// <summary>The real clay-server taking its options from the data directory's appsettings.json and the environment.</summary>
[Trait("Category", "EndToEnd")]
public sealed class ServerConfigurationTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "clay-e2e", Guid.NewGuid().ToString("N"));

    public ServerConfigurationTests() => Directory.CreateDirectory(Path.Combine(_root, "data"));

    public void Dispose()
    {
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { }
    }

    [Fact]
    public async Task The_data_directorys_appsettings_and_the_environment_configure_the_running_server()
    {
        File.WriteAllText(Path.Combine(_root, "data", "appsettings.json"), """{ "Clay": { "MemoryBudget": "3MiB", "MaxPackageSize": "1KiB" } }""");
        await using var server = new ServerProcess(Path.Combine(_root, "data"));
        server.Environment["CLAY__MAXPACKAGESIZE"] = "2MiB";

        await server.StartAsync();
        using var http = server.CreateHttpClient();
        var metrics = await http.GetStringAsync("/metrics");

        Assert.Equal(3 * 1024 * 1024, Metric(metrics, "clay_memory_budget_bytes"));
        // The environment wins over the file: a 1.5MiB upload is judged against 2MiB, not 1KiB.
        using var form = new MultipartFormDataContent { { new StringContent("demo:big"), "name" }, { new ByteArrayContent(new byte[1536 * 1024]), "package", "p.zip" } };
        var upload = await (await http.PostAsync("/v1/components", form)).Content.ReadAsStringAsync();
        Assert.DoesNotContain("package-too-large", upload);
        Assert.Contains("invalid-package", upload);
    }

    [Fact]
    public async Task A_bad_option_in_the_environment_stops_the_server_naming_the_variable()
    {
        var start = new ProcessStartInfo(ClayInstallation.Server) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { "--data-dir", Path.Combine(_root, "data"), "--port", "0" }) start.ArgumentList.Add(arg);
        start.Environment["CLAY__MEMORYBUDGET"] = "64XB";
        ClayInstallation.EnsurePublished();

        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEndAsync();
        try
        {
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        }
        catch (TimeoutException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        Assert.Equal(2, process.ExitCode);
        Assert.Equal("error[invalid-arguments]: 'CLAY__MEMORYBUDGET' (environment variable): '64XB' is not a size: use for example 64MiB, 1GiB or a number of bytes",
            (await stderr).Trim());
        Assert.DoesNotContain("ready", await stdout);
    }

    private static double Metric(string exposition, string name)
    {
        var match = Regex.Match(exposition, $@"(?m)^{name}(\{{[^}}]*\}})? ([0-9.eE+-]+)");
        Assert.True(match.Success, $"no {name} in\n{exposition}");
        return double.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture);
    }
}
