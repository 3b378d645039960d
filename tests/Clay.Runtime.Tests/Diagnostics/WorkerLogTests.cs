using Cart;
using Clay.Runtime.Diagnostics;
using Clay.Runtime.Tests.Execution;
using Microsoft.Extensions.Logging;
using static Clay.Runtime.Tests.Execution.CartValues;

namespace Clay.Runtime.Tests.Diagnostics;

public sealed class WorkerLogTests
{
    [Fact]
    public async Task Worker_log_lines_reach_the_hosts_logger_with_worker_and_invocation_and_replay_repeats_none()
    {
        var lines = new RecordingLoggerProvider();
        using var logging = LoggerFactory.Create(b => b.AddProvider(lines).SetMinimumLevel(LogLevel.Trace));
        await using var fixture = new ExecutorFixture(typeof(ShoppingCart)) { Logging = logging };
        var cart = ExecutorFixture.Worker(typeof(ShoppingCart), "logging");
        var (store, executor) = await fixture.StartAsync();
        await executor.InvokeAsync(cart, "initialize-cart", [Str("user1")], "init");
        await executor.InvokeAsync(cart, "add-item", [Item("p1")], "add-p1");

        var worker = WorkerLines(lines);
        Assert.Equal(fixture.Logs.Select(l => l.Message), worker.Select(l => (string)l.Fields["Message"]!));
        var added = Assert.Single(worker, l => l.Fields["InvocationKey"] as string == "add-p1");
        Assert.Equal(LogLevel.Information, added.Level);
        Assert.Equal(cart.ToString(), added.Fields["Worker"]);
        Assert.Equal("add-item", added.Fields["Function"]);
        Assert.Contains("p1", added.Message, StringComparison.Ordinal);

        // Recovery replays both invocations; only the new one writes.
        await fixture.StopAsync(store, executor);
        var (_, reopened) = await fixture.StartAsync();
        await reopened.InvokeAsync(cart, "add-item", [Item("p2")], "add-p2");

        var after = WorkerLines(lines);
        Assert.Equal(worker.Count + 1, after.Count);
        Assert.Equal("add-p2", after[^1].Fields["InvocationKey"]);
        Assert.Equal(1, after.Count(l => l.Fields["InvocationKey"] as string == "add-p1"));
    }

    [Fact]
    public async Task Without_invocation_log_scopes_lines_carry_no_scope_but_their_sink_still_knows_the_invocation()
    {
        var lines = new RecordingLoggerProvider();
        using var logging = LoggerFactory.Create(b => b.AddProvider(lines).SetMinimumLevel(LogLevel.Trace));
        await using var fixture = new ExecutorFixture(typeof(ShoppingCart)) { Logging = logging, InvocationLogScopes = false };
        var cart = ExecutorFixture.Worker(typeof(ShoppingCart), "unscoped");
        var (_, executor) = await fixture.StartAsync();
        await executor.InvokeAsync(cart, "initialize-cart", [Str("user1")], "init");
        await executor.InvokeAsync(cart, "add-item", [Item("p1")], "add-p1");

        var added = Assert.Single(WorkerLines(lines), l => ((string)l.Fields["Message"]!).Contains("p1", StringComparison.Ordinal));
        Assert.Equal(cart.ToString(), added.Fields["Worker"]);
        Assert.False(added.Fields.ContainsKey("InvocationKey"));
        Assert.False(added.Fields.ContainsKey("Function"));
        // What a component host passes on to the server: the line with the invocation under way.
        Assert.Contains(fixture.SinkScopes, s => s.Message.Contains("p1", StringComparison.Ordinal) && s.InvocationKey == "add-p1");
    }

    private static List<RecordingLoggerProvider.LogRecord> WorkerLines(RecordingLoggerProvider lines) =>
        lines.Records.Where(r => r.Category == WorkerLogForwarder.Category).ToList();
}
