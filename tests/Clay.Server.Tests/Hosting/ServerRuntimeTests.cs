using System.Collections;
using Clay.Server.Hosting;

namespace Clay.Server.Tests.Hosting;

public sealed class ServerRuntimeTests
{
    [Fact]
    public void The_server_executes_itself_again_with_the_same_arguments_and_environment_no_delay_before_counting_calls_and_a_small_youngest_generation()
    {
        var environment = new Hashtable { ["PATH"] = "/usr/bin", ["HOME"] = "/home/u" };

        var (argv, variables) = ServerRuntime.Reexecution("/opt/clay/clay-server", ["--port", "9881"], environment)!.Value;

        Assert.Null(argv[^1]);
        Assert.Equal(["/opt/clay/clay-server", "--port", "9881"], argv[..^1].Select(a => a!));
        Assert.Null(variables[^1]);
        Assert.Equal([$"{ServerRuntime.Gen0Size}=0x200000", $"{ServerRuntime.CallCountingDelay}=0", "HOME=/home/u", "PATH=/usr/bin"],
            variables[..^1].Select(v => v!).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Settings_the_user_made_are_kept_and_nothing_is_executed_again_when_all_are_set()
    {
        var environment = new Hashtable { [ServerRuntime.CallCountingDelay] = "100", [ServerRuntime.Gen0Size] = "0x1000000" };

        Assert.Null(ServerRuntime.Reexecution("/opt/clay/clay-server", [], environment));
    }

    [Fact]
    public void Only_the_settings_the_user_did_not_make_are_added()
    {
        var environment = new Hashtable { [ServerRuntime.CallCountingDelay] = "100" };

        var (_, variables) = ServerRuntime.Reexecution("/opt/clay/clay-server", [], environment)!.Value;

        Assert.Equal([$"{ServerRuntime.Gen0Size}=0x200000", $"{ServerRuntime.CallCountingDelay}=100"], variables[..^1].Select(v => v!).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void A_server_started_through_dotnet_runs_as_it_is()
    {
        // `dotnet clay-server.dll`: the process's executable is dotnet, whose arguments are not the server's.
        Assert.Null(ServerRuntime.Reexecution("/usr/share/dotnet/dotnet", ["--port", "9881"], new Hashtable()));
    }

    [Fact]
    public void Before_it_executes_again_only_its_own_diagnostic_socket_is_removed()
    {
        var directory = Directory.CreateTempSubdirectory("clay-diagnostics-").FullName;
        try
        {
            string[] names = ["dotnet-diagnostic-4242-1234-socket", "dotnet-diagnostic-42-1234-socket", "dotnet-diagnostic-14242-1-socket", "other"];
            foreach (var name in names) File.WriteAllText(Path.Combine(directory, name), "");

            ServerRuntime.ReleaseDiagnosticSocket(directory, 4242);

            Assert.Equal(names[1..].Order(StringComparer.Ordinal), Directory.GetFiles(directory).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
