using Clay.Server.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;

namespace Clay.Server.Tests.Hosting;

/// <summary>
/// A line scope (a worker's log line passed on from its component host, in its invocation's scope)
/// reaches the console's formatter after the logging scopes, only for lines logged on the thread that
/// set it, and only while it is set.
/// </summary>
public sealed class LineScopesTests
{
    [Fact]
    public void The_console_sees_a_thread_s_line_scope_after_the_logging_scopes_while_it_is_set()
    {
        var formatter = new RecordingFormatter();
        using var console = new ConsoleLoggerProvider(new FixedOptions(new ConsoleLoggerOptions { FormatterName = formatter.Name }), [formatter]);
        using (var factory = LoggerFactory.Create(b => b.AddProvider(new ConsoleWithLineScopes(console))))
        {
            var logger = factory.CreateLogger("Clay.Worker");
            using (logger.BeginScope("outer"))
            {
                using (LineScopes.Enter("line"))
                {
                    logger.LogInformation("inside");
                    // Another thread's lines are not in this thread's line scope (the logging scope flows to it, as async-local state does).
                    var other = new Thread(() => logger.LogInformation("elsewhere"));
                    other.Start();
                    other.Join();
                }
                logger.LogInformation("after");
            }
        }

        Assert.Equal(["outer", "line"], formatter.ScopesOf("inside"));
        Assert.Equal(["outer"], formatter.ScopesOf("elsewhere"));
        Assert.Equal(["outer"], formatter.ScopesOf("after"));
    }

    [Theory]
    [InlineData("text")]
    [InlineData("json")]
    public void The_server_s_console_is_the_one_with_line_scopes_in_either_format(string format)
    {
        var services = new ServiceCollection();
        services.AddLogging(logging => ServerTelemetry.ConfigureLogging(logging, new ServerOptions { LogFormat = format }));
        using var provider = services.BuildServiceProvider();

        var loggers = provider.GetServices<ILoggerProvider>().ToList();
        Assert.IsType<ConsoleWithLineScopes>(Assert.Single(loggers));
        // The console's configuration section still applies to it.
        Assert.Equal("Console", Assert.Single(typeof(ConsoleWithLineScopes).GetCustomAttributes(typeof(ProviderAliasAttribute), false)
            .Cast<ProviderAliasAttribute>()).Alias);
    }

    /// <summary>A console formatter that writes nothing and keeps the scopes it was shown for each message.</summary>
    private sealed class RecordingFormatter() : ConsoleFormatter("recording")
    {
        private readonly List<(string Message, List<string> Scopes)> _lines = [];

        public List<string> ScopesOf(string message)
        {
            lock (_lines) return Assert.Single(_lines, l => l.Message == message).Scopes;
        }

        public override void Write<TState>(in LogEntry<TState> logEntry, IExternalScopeProvider? scopeProvider, TextWriter textWriter)
        {
            var scopes = new List<string>();
            scopeProvider?.ForEachScope((scope, list) => list.Add($"{scope}"), scopes);
            lock (_lines) _lines.Add((logEntry.Formatter(logEntry.State, logEntry.Exception), scopes));
        }
    }

    private sealed class FixedOptions(ConsoleLoggerOptions value) : IOptionsMonitor<ConsoleLoggerOptions>
    {
        public ConsoleLoggerOptions CurrentValue => value;

        public ConsoleLoggerOptions Get(string? name) => value;

        public IDisposable? OnChange(Action<ConsoleLoggerOptions, string?> listener) => null;
    }
}
