using System.Diagnostics;

namespace Clay.EndToEnd.Tests;

/// <summary>Runs the real `clay` executable.</summary>
public sealed class ClayCli(string serverUrl, string homeDirectory)
{
    public async Task<CliResult> RunAsync(string workingDirectory, params string[] args)
    {
        Directory.CreateDirectory(homeDirectory);
        var start = new ProcessStartInfo(ClayInstallation.Cli)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("--server");
        start.ArgumentList.Add(serverUrl);
        foreach (var arg in args) start.ArgumentList.Add(arg);
        start.Environment["HOME"] = homeDirectory;
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        try
        {
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(5));
        }
        catch (TimeoutException)
        {
            // Nothing a test starts outlives it: clay and the build it started go with it.
            process.Kill(entireProcessTree: true);
            throw;
        }
        return new CliResult(process.ExitCode, await stdout, await stderr, string.Join(' ', args));
    }

    /// <summary>Runs and requires success.</summary>
    public async Task<string> OkAsync(string workingDirectory, params string[] args)
    {
        var result = await RunAsync(workingDirectory, args);
        Assert.True(result.ExitCode == 0, $"clay {result.Command} failed with {result.ExitCode}:\n{result.StdOut}\n{result.StdErr}");
        return result.StdOut;
    }
}

public sealed record CliResult(int ExitCode, string StdOut, string StdErr, string Command);
