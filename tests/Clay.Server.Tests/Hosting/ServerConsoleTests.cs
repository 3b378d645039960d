using Clay.Server.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;

namespace Clay.Server.Tests.Hosting;

/// <summary>
/// The server's console drops the lines it cannot queue rather than hold the thread that logs them
/// (docs/observability.md, "A console nobody reads"), unless the configuration says to wait.
/// </summary>
public sealed class ServerConsoleTests
{
    [Theory]
    [InlineData("text")]
    [InlineData("json")]
    public void A_full_console_queue_drops_lines_by_default(string format) =>
        Assert.Equal(ConsoleLoggerQueueFullMode.DropWrite, ConsoleOptions(format, []).QueueFullMode);

    [Fact]
    public void The_configuration_may_ask_the_console_to_wait_and_for_a_longer_queue()
    {
        var options = ConsoleOptions("text", new()
        {
            ["Logging:Console:QueueFullMode"] = "Wait",
            ["Logging:Console:MaxQueueLength"] = "10000",
        });

        Assert.Equal(ConsoleLoggerQueueFullMode.Wait, options.QueueFullMode);
        Assert.Equal(10_000, options.MaxQueueLength);
    }

    private static ConsoleLoggerOptions ConsoleOptions(string format, Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddLogging(logging =>
        {
            logging.AddConfiguration(configuration.GetSection("Logging"));
            ServerTelemetry.ConfigureLogging(logging, new ServerOptions { LogFormat = format });
        });
        using var provider = services.BuildServiceProvider();
        return provider.GetRequiredService<IOptionsMonitor<ConsoleLoggerOptions>>().CurrentValue;
    }
}
