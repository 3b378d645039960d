using Clay.Cluster.Hosts;
using Clay.Cluster.Workers;
using Clay.Runtime;
using Clay.Runtime.Execution;
using Clay.Runtime.Values;

namespace Clay.Cluster.Tests;

/// <summary>One-way notices on the channel: queued to share a write with the next frame, or sent at once.</summary>
public sealed partial class HostChannelTests
{
    [Fact]
    public async Task A_queued_notice_goes_ahead_of_the_next_frame_or_when_the_queue_is_sent()
    {
        var notices = new System.Collections.Concurrent.ConcurrentQueue<long>();
        var third = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var pair = Pair.Open(
            hostHandles: _ => throw new InvalidOperationException("unexpected"),
            // The server answers with the notices it has taken before the call: those queued ahead of it.
            serverHandles: _ => Task.FromResult<object?>(notices.ToArray()),
            serverNotices: notice =>
            {
                notices.Enqueue(((HostNotice)notice).RecoveredTicks);
                if (notices.Count == 3) third.TrySetResult();
            });

        pair.Host.NotifyQueued(new HostNotice("demo:c", "w", 1));
        pair.Host.NotifyQueued(new HostNotice("demo:c", "w", 2));
        var seen = (long[])(await pair.Host.CallAsync(new StoreCall("w", StoreOperation.LastIndex)))!;
        Assert.Equal([1L, 2L], seen);

        pair.Host.NotifyQueued(new HostNotice("demo:c", "w", 3));
        pair.Host.SendQueued();
        await third.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal([1L, 2L, 3L], notices);
    }

    [Fact]
    public async Task A_queue_sent_while_answering_goes_in_the_answer_s_write_and_at_once_when_the_answer_must_wait()
    {
        var notices = new System.Collections.Concurrent.ConcurrentQueue<long>();
        var noticed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var pair = Pair.Open(
            hostHandles: call =>
            {
                var invoke = (HostInvoke)call;
                // As a worker's end is handed over: queued, then sent once the worker has handed its answer on.
                Pair.Current!.Host.NotifyQueued(new HostNotice("demo:c", "w", invoke.Function == "now" ? 1 : 2));
                Pair.Current.Host.SendQueued();
                return invoke.Function == "now"
                    ? Task.FromResult<object?>(new InvokeReply(InvocationState.Completed, invoke.IdempotencyKey!, invoke.Function, null))
                    : AfterAsync(gate.Task, new InvokeReply(InvocationState.Completed, invoke.IdempotencyKey!, invoke.Function, null));
            },
            serverHandles: _ => Task.FromResult<object?>(null),
            serverNotices: notice =>
            {
                notices.Enqueue(((HostNotice)notice).RecoveredTicks);
                if (((HostNotice)notice).RecoveredTicks == 2) noticed.TrySetResult();
            },
            countHostWrites: true);

        var writes = pair.HostWrites;
        await pair.Server.CallAsync(HostInvoke.Of(new WorkerId("demo:c", "w"), InvocationRequest.Of("now", [], "k1"), enqueue: false));
        Assert.Equal([1L], notices);
        Assert.Equal(1, pair.HostWrites - writes);

        // An answer that waits for something else: what the handler queued does not wait with it.
        var later = pair.Server.CallAsync(HostInvoke.Of(new WorkerId("demo:c", "w"), InvocationRequest.Of("later", [], "k2"), enqueue: false));
        await noticed.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.False(later.IsCompleted);
        gate.SetResult();
        await later;
        Assert.Equal([1L, 2L], notices);
    }

    [Fact]
    public async Task A_notice_sent_soon_while_answering_on_the_reading_thread_goes_in_the_answer_s_write_or_when_a_relief_takes_over()
    {
        // As a worker's log line is sent: the host runs invocations on its reading thread.
        var notices = new System.Collections.Concurrent.ConcurrentQueue<long>();
        var heldNoticed = new SemaphoreSlim(0);
        await using var pair = Pair.Open(
            hostHandles: call =>
            {
                var invoke = (HostInvoke)call;
                var held = invoke.Function == "hold";
                Pair.Current!.Host.NotifySoon(new HostNotice("demo:c", "w", held ? 2 : 1));
                // Held: the thread waits until the server has the notice, which only a relief that took over reading can send.
                var sent = !held || heldNoticed.Wait(TimeSpan.FromSeconds(20));
                return Task.FromResult<object?>(new InvokeReply(InvocationState.Completed, invoke.IdempotencyKey!, invoke.Function, new Value.Bool(sent)));
            },
            serverHandles: _ => Task.FromResult<object?>(null),
            serverNotices: notice =>
            {
                notices.Enqueue(((HostNotice)notice).RecoveredTicks);
                if (((HostNotice)notice).RecoveredTicks == 2) heldNoticed.Release();
            },
            countHostWrites: true,
            hostRunsOnReader: call => call is HostInvoke);

        var writes = pair.HostWrites;
        await pair.Server.CallAsync(HostInvoke.Of(new WorkerId("demo:c", "w"), InvocationRequest.Of("now", [], "k1"), enqueue: false));
        Assert.Equal([1L], notices);
        Assert.Equal(1, pair.HostWrites - writes);

        var reply = (InvokeReply)(await pair.Server.CallAsync(HostInvoke.Of(new WorkerId("demo:c", "w"), InvocationRequest.Of("hold", [], "k2"), enqueue: false))
            .WaitAsync(TimeSpan.FromSeconds(60)))!;
        Assert.Equal(new Value.Bool(true), reply.Result);
        Assert.True(pair.Host.Reliefs >= 1);
        Assert.Equal([1L, 2L], notices);
    }

    private static async Task<object?> AfterAsync(Task gate, object answer)
    {
        await gate;
        return answer;
    }
}
