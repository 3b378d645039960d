using Clay.Runtime.Errors;
using Clay.Runtime.Values;
using Clay.TestComponents.Durability;
using Microsoft.Extensions.Logging;

namespace Clay.Runtime.Tests.Execution;

/// <summary>
/// A worker whose processing loop fails in its own bookkeeping (here a logging provider that throws
/// when the invocation's scope opens) fails its callers with an error that says so, instead of leaving
/// them waiting, and is reloaded at the next call.
/// </summary>
[Collection(StaticComponentState.Name)]
public sealed class LoopFailureTests
{
    [Fact]
    public async Task A_loop_that_fails_outside_worker_code_fails_its_caller_and_the_worker_is_reloaded_at_the_next_call()
    {
        var scopes = new ScopeFailingLoggerFactory();
        await using var fixture = new ExecutorFixture(typeof(Tally)) { Logging = scopes, InvocationLogScopes = true };
        var (_, executor) = await fixture.StartAsync();
        var worker = ExecutorFixture.Worker(typeof(Tally), "loop");
        Assert.Equal(new Value.U64(1), (await executor.InvokeAsync(worker, "add", [new Value.U64(1)])).Result);

        scopes.Failing = true;
        var error = await Assert.ThrowsAsync<ClayException>(() => executor.InvokeAsync(worker, "add", [new Value.U64(2)]).WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(ErrorCodes.Internal, error.Code);
        Assert.Contains("the logging provider failed", error.Message, StringComparison.Ordinal);

        scopes.Failing = false;
        Assert.Equal(new Value.U64(3), (await executor.InvokeAsync(worker, "add", [new Value.U64(2)]).WaitAsync(TimeSpan.FromSeconds(30))).Result);
    }

    /// <summary>Loggers whose scopes fail while <see cref="Failing"/> is set.</summary>
    private sealed class ScopeFailingLoggerFactory : ILoggerFactory
    {
        public volatile bool Failing;

        public ILogger CreateLogger(string categoryName) => new Logger(this);

        public void AddProvider(ILoggerProvider provider) { }

        public void Dispose() { }

        private sealed class Logger(ScopeFailingLoggerFactory factory) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull =>
                factory.Failing ? throw new InvalidOperationException("the logging provider failed") : null;

            public bool IsEnabled(LogLevel logLevel) => false;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) { }
        }
    }
}
