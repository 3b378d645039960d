using System.Diagnostics;
using Clay.Runtime.Diagnostics;
using Clay.Runtime.Tests.Execution;
using Clay.TestComponents.Durability;
using OpenTelemetry;
using OpenTelemetry.Trace;
using static Clay.Runtime.Tests.Execution.CartValues;

namespace Clay.Runtime.Tests.Diagnostics;

/// <summary>
/// The executor's spans, as an OpenTelemetry in-memory exporter receives them. Listeners are
/// process-wide and other tests run alongside, so each test looks only at its own traces.
/// </summary>
public sealed class TracingTests
{
    [Fact]
    public async Task An_invocation_is_one_span_tree_under_its_callers_span_and_its_replay_adds_no_span()
    {
        var spans = new SpanLog();
        using var tracing = OpenTelemetry.Sdk.CreateTracerProviderBuilder().AddSource(ClayTelemetry.Name).SetSampler(new AlwaysOnSampler())
            .AddInMemoryExporter(spans).Build();
        using var server = new CountingHttpServer();
        await using var fixture = new ExecutorFixture(typeof(HttpCaller));
        var worker = ExecutorFixture.Worker(typeof(HttpCaller), "traced");
        var (store, executor) = await fixture.StartAsync();

        var caller = new Activity("caller").SetIdFormat(ActivityIdFormat.W3C).Start();
        await executor.InvokeAsync(worker, "get", [Str(server.Url)], "first-get");
        caller.Stop();
        tracing.ForceFlush();

        var tree = Traced(spans, caller.TraceId);
        var invoke = Assert.Single(tree, s => s.DisplayName == "invoke get");
        Assert.Equal(caller.SpanId, invoke.ParentSpanId);
        Assert.Equal(worker.ToString(), invoke.GetTagItem(ClayTelemetry.WorkerAttribute));
        Assert.Equal("first-get", invoke.GetTagItem(ClayTelemetry.InvocationKeyAttribute));
        Assert.Equal("ok", invoke.GetTagItem("clay.outcome"));
        var effect = Assert.Single(tree, s => s.DisplayName == "effect http");
        Assert.Equal(invoke.SpanId, effect.ParentSpanId);
        Assert.Equal($"http::GET {server.Url}", effect.GetTagItem(ClayTelemetry.EffectAttribute));
        var commit = Assert.Single(tree, s => s.DisplayName == "commit");
        Assert.Equal(invoke.SpanId, commit.ParentSpanId);
        Assert.All(tree, s => Assert.True(s.SpanId == invoke.SpanId || s.ParentSpanId == invoke.SpanId, $"{s.DisplayName} is outside the invocation"));
        // The request the effect sent carried the trace on.
        Assert.True(server.Traceparents.TryPeek(out var traceparent));
        Assert.StartsWith($"00-{caller.TraceId}-", traceparent, StringComparison.Ordinal);

        // A restarted executor replays the get (served from the oplog) before running the next invocation.
        await fixture.StopAsync(store, executor);
        var (_, reopened) = await fixture.StartAsync();
        var second = new Activity("second caller").SetIdFormat(ActivityIdFormat.W3C).Start();
        var responses = await reopened.InvokeAsync(worker, "responses", [], "after-restart");
        second.Stop();
        tracing.ForceFlush();

        Assert.Contains("call 1", ((Values.Value.String)((Values.Value.List)responses.Result!).Items[0]).V, StringComparison.Ordinal);
        Assert.Equal(1, server.Requests);
        var after = Traced(spans, second.TraceId);
        Assert.Equal(["commit", "invoke responses"], after.Select(s => s.DisplayName).Distinct().Order());
        Assert.Single(spans, s => s.DisplayName == "invoke get" && Equals(s.GetTagItem(ClayTelemetry.WorkerAttribute), worker.ToString()));
        Assert.DoesNotContain(spans, s => s.DisplayName == "effect http" && s.TraceId != caller.TraceId
            && Equals(s.GetTagItem(ClayTelemetry.EffectAttribute), $"http::GET {server.Url}"));
    }

    [Fact]
    public async Task A_failed_invocation_is_marked_as_an_error()
    {
        var spans = new SpanLog();
        using var tracing = OpenTelemetry.Sdk.CreateTracerProviderBuilder().AddSource(ClayTelemetry.Name).SetSampler(new AlwaysOnSampler())
            .AddInMemoryExporter(spans).Build();
        await using var fixture = new ExecutorFixture(typeof(Counter));
        var worker = ExecutorFixture.Worker(typeof(Counter), "failing");
        var (_, executor) = await fixture.StartAsync();

        var caller = new Activity("caller").SetIdFormat(ActivityIdFormat.W3C).Start();
        await Assert.ThrowsAsync<Clay.Runtime.Execution.InvocationFailedException>(() =>
            executor.InvokeAsync(worker, "increment-then-fail", [new Values.Value.Bool(true)]));
        caller.Stop();
        tracing.ForceFlush();

        var invoke = Assert.Single(Traced(spans, caller.TraceId), s => s.DisplayName == "invoke increment-then-fail");
        Assert.Equal(ActivityStatusCode.Error, invoke.Status);
        Assert.Equal("failed", invoke.GetTagItem("clay.outcome"));
    }

    private static List<Activity> Traced(SpanLog spans, ActivityTraceId trace)
    {
        return spans.Where(s => s.TraceId == trace).ToList();
    }

    /// <summary>
    /// The exporter's collection: spans of every test running alongside are added from whichever thread
    /// stops them, so adding takes a lock and enumerating reads a copy.
    /// </summary>
    private sealed class SpanLog : ICollection<Activity>
    {
        private readonly List<Activity> _spans = [];

        public int Count
        {
            get { lock (_spans) return _spans.Count; }
        }

        public bool IsReadOnly => false;

        public void Add(Activity item)
        {
            lock (_spans) _spans.Add(item);
        }

        public void Clear()
        {
            lock (_spans) _spans.Clear();
        }

        public bool Contains(Activity item)
        {
            lock (_spans) return _spans.Contains(item);
        }

        public void CopyTo(Activity[] array, int arrayIndex)
        {
            lock (_spans) _spans.CopyTo(array, arrayIndex);
        }

        public bool Remove(Activity item)
        {
            lock (_spans) return _spans.Remove(item);
        }

        public IEnumerator<Activity> GetEnumerator()
        {
            lock (_spans) return _spans.ToList().GetEnumerator();
        }

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
