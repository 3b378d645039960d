using System.IO.Pipes;
using Clay.Cluster.Hosts;
using Clay.Cluster.Serialization;
using Clay.Cluster.Workers;
using Clay.Runtime;
using Clay.Runtime.Errors;
using Clay.Runtime.Execution;
using Clay.Runtime.Values;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;

namespace Clay.Cluster.Tests;

/// <summary>The channel between the server and a component host, over real pipes.</summary>
public sealed partial class HostChannelTests
{
    private static readonly Serializer Serializer =
        new ServiceCollection().AddSerializer(s => s.AddClaySerialization()).BuildServiceProvider().GetRequiredService<Serializer>();

    [Fact]
    public async Task Calls_cross_both_ways_at_once_with_values_and_answers_in_any_order()
    {
        await using var pair = Pair.Open(
            hostHandles: SlowOrEchoAsync,
            serverHandles: call => Task.FromResult<object?>(call is StoreCall { Operation: StoreOperation.LastIndex } ? 41L : null));

        var slow = pair.Server.CallAsync(HostInvoke.Of(new WorkerId("demo:c", "w"), InvocationRequest.Of("slow", [new Value.U32(1)], "k1"), enqueue: false));
        var fast = await Task.WhenAll(Enumerable.Range(0, 50).Select(i =>
            pair.Server.CallAsync(HostInvoke.Of(new WorkerId("demo:c", $"w{i}"), InvocationRequest.Of("echo", [new Value.String($"v{i}")], $"k{i}"), enqueue: false))));
        var lastIndex = await pair.Host.CallAsync(new StoreCall("w", StoreOperation.LastIndex));

        Assert.Equal(Enumerable.Range(0, 50).Select(i => (Value)new Value.String($"v{i}")), fast.Cast<InvokeReply>().Select(r => r.Result!));
        Assert.Equal(41L, lastIndex);
        Assert.False(slow.IsCompleted);
        pair.Release.SetResult();
        Assert.Equal(new Value.U32(1), ((InvokeReply)(await slow)!).Result);
    }

    [Theory]
    [InlineData(1 << 16)]
    [InlineData(0)]
    public async Task An_answer_given_after_asking_the_other_end_is_written_by_the_reading_thread_when_it_fits(long room)
    {
        // The host answers the invocation once the server answered its question: that answer comes back
        // on the host's reading thread, which writes it itself if the pipe has room, or leaves it to the pool.
        var asked = 0;
        await using var pair = Pair.Open(
            hostHandles: async call => call is HostInvoke invoke
                ? new InvokeReply(InvocationState.Completed, invoke.IdempotencyKey!, invoke.Function,
                    new Value.S64((long)(await Pair.Current!.Host.CallAsync(new StoreCall("w", StoreOperation.LastIndex)))!))
                : throw new InvalidOperationException("unexpected"),
            serverHandles: call => Task.FromResult<object?>(call is StoreCall { Operation: StoreOperation.LastIndex } ? 41L : null),
            hostRoom: () =>
            {
                Interlocked.Increment(ref asked);
                return room;
            });

        const int Calls = 20;
        for (var i = 0; i < Calls; i++)
        {
            var reply = (InvokeReply)(await pair.Server.CallAsync(HostInvoke.Of(new WorkerId("demo:c", "w"),
                InvocationRequest.Of("last", [], $"k{i}"), enqueue: false)))!;
            Assert.Equal(new Value.S64(41), reply.Result);
        }

        // (An answer to the host's question that came back before the host began to wait for it is
        // taken on the pool thread that asked, so not every answer need be the reading thread's.)
        if (room > 0) Assert.InRange(pair.Host.WrittenByReader, 1, Calls);
        else Assert.Equal(0, pair.Host.WrittenByReader);
        // The pipe's room is asked for once: what it said, less what was written since, is still there
        // for the few hundred bytes of each answer after. With none, it is asked again each time.
        if (room > 0) Assert.Equal(1, Volatile.Read(ref asked));
        else Assert.True(Volatile.Read(ref asked) >= 1);
    }

    [Fact]
    public async Task Calls_named_to_be_answered_on_the_reading_thread_begin_there_and_the_rest_on_the_pool()
    {
        var threads = new System.Collections.Concurrent.ConcurrentDictionary<StoreOperation, string?>();
        await using var pair = Pair.Open(
            hostHandles: _ => Task.FromResult<object?>(null),
            serverHandles: call =>
            {
                var store = (StoreCall)call;
                threads[store.Operation] = Thread.CurrentThread.Name;
                return Task.FromResult<object?>(store.Operation == StoreOperation.LastIndex ? 41L : null);
            },
            serverAnswersOnReader: call => call is StoreCall { Operation: StoreOperation.Append });

        await pair.Host.CallAsync(new StoreCall("w", StoreOperation.Append, 1, 0, [[1, 2, 3]]));
        Assert.Equal(41L, await pair.Host.CallAsync(new StoreCall("w", StoreOperation.LastIndex)));

        Assert.Equal("test server", threads[StoreOperation.Append]);
        Assert.NotEqual("test server", threads[StoreOperation.LastIndex]);
        Assert.Equal(1, pair.Server.AnsweredOnReader);
    }

    [Fact]
    public async Task A_call_run_on_the_reading_thread_that_holds_it_is_relieved_and_the_channel_reads_on()
    {
        // The host runs invocations on its reading thread. "hold" blocks that thread until the host has
        // read a notice the server sends after it: only another thread can read that notice.
        var threads = new System.Collections.Concurrent.ConcurrentQueue<string?>();
        var noticed = new SemaphoreSlim(0);
        await using var pair = Pair.Open(
            hostHandles: call =>
            {
                var invoke = (HostInvoke)call;
                threads.Enqueue(Thread.CurrentThread.Name);
                var released = invoke.Function != "hold" || noticed.Wait(TimeSpan.FromSeconds(30));
                return Task.FromResult<object?>(new InvokeReply(InvocationState.Completed, invoke.IdempotencyKey!, invoke.Function, new Value.Bool(released)));
            },
            serverHandles: _ => Task.FromResult<object?>(null),
            hostRunsOnReader: call => call is HostInvoke,
            hostNotices: _ => noticed.Release());

        // Twice: the thread relieved the first time stands by as the relief the second.
        for (var round = 1; round <= 2; round++)
        {
            var held = pair.Server.CallAsync(HostInvoke.Of(new WorkerId("demo:c", "w"), InvocationRequest.Of("hold", [], $"h{round}"), enqueue: false));
            pair.Server.Notify(new HostNotice("demo:c", "w", round));
            var reply = (InvokeReply)(await held.WaitAsync(TimeSpan.FromSeconds(60)))!;
            // Released: another thread read the notice while this call held the reading thread.
            Assert.Equal(new Value.Bool(true), reply.Result);
            Assert.True(pair.Host.Reliefs >= round, $"{pair.Host.Reliefs} reliefs after {round} held calls");
            var echo = (InvokeReply)(await pair.Server.CallAsync(HostInvoke.Of(new WorkerId("demo:c", "w"), InvocationRequest.Of("echo", [], $"e{round}"), enqueue: false)))!;
            Assert.Equal(new Value.Bool(true), echo.Result);
        }

        // Every call was answered on a reading thread: the first one, or a relief that took over.
        Assert.Equal(4, threads.Count);
        Assert.All(threads, name => Assert.StartsWith("test host", name));
        Assert.Equal(4, pair.Host.AnsweredOnReader);
    }

    [Fact]
    public async Task A_clay_error_thrown_at_one_end_reaches_the_caller_with_its_type_and_code()
    {
        await using var pair = Pair.Open(
            hostHandles: _ => throw new WorkerNotFoundException(new WorkerId("demo:c", "gone")),
            serverHandles: _ => Task.FromResult<object?>(null));

        var error = await Assert.ThrowsAsync<WorkerNotFoundException>(() =>
            pair.Server.CallAsync(new HostWorkerCall("demo:c", "gone", HostOperation.GetInfo)));

        Assert.Equal(ErrorCodes.WorkerNotFound, error.Code);
        Assert.Equal("worker demo:c/gone not found", error.Message);
    }

    [Fact]
    public async Task A_cancelled_call_stops_waiting_and_its_late_answer_reaches_no_other_call()
    {
        await using var pair = Pair.Open(
            hostHandles: SlowOrEchoAsync,
            serverHandles: _ => Task.FromResult<object?>(null));
        using var cancel = new CancellationTokenSource();
        var slow = pair.Server.CallAsync(HostInvoke.Of(new WorkerId("demo:c", "w"), InvocationRequest.Of("slow", [new Value.U32(1)], "k1"), enqueue: false),
            cancel.Token);

        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => slow);
        // Its answer comes after all; the calls after it get their own.
        pair.Release.SetResult();
        for (var i = 0; i < 3; i++)
        {
            var echo = (InvokeReply)(await pair.Server.CallAsync(HostInvoke.Of(new WorkerId("demo:c", "w"),
                InvocationRequest.Of("echo", [new Value.String($"e{i}")], $"e{i}"), enqueue: false)))!;
            Assert.Equal(new Value.String($"e{i}"), echo.Result);
        }
    }

    [Fact]
    public async Task Calls_in_flight_fail_when_the_other_end_goes_away()
    {
        await using var pair = Pair.Open(
            hostHandles: async _ => { await Task.Delay(Timeout.Infinite); return null; },
            serverHandles: _ => Task.FromResult<object?>(null));
        var pending = pair.Server.CallAsync(new HostWorkerCall("demo:c", "w", HostOperation.GetInfo));

        pair.KillHost();

        await Assert.ThrowsAsync<HostChannelClosedException>(() => pending);
        await pair.Server.Closed;
        await Assert.ThrowsAsync<HostChannelClosedException>(() => pair.Server.CallAsync(new HostWorkerCall("demo:c", "w", HostOperation.GetInfo)));
    }

    [Fact]
    public async Task A_frame_announced_longer_than_the_limit_closes_the_channel_without_allocating_it()
    {
        using var fromHost = new AnonymousPipeServerStream(PipeDirection.Out);
        using var toHost = new AnonymousPipeServerStream(PipeDirection.Out);
        using var serverIn = new AnonymousPipeClientStream(PipeDirection.In, fromHost.ClientSafePipeHandle);
        using var hostIn = new AnonymousPipeClientStream(PipeDirection.In, toHost.ClientSafePipeHandle);
        var server = new HostChannel(serverIn, toHost, Serializer, _ => Task.FromResult<object?>(null), _ => { }, "test server", maxFrameBytes: 1 << 20);
        var pending = server.CallAsync(new HostWorkerCall("demo:c", "w", HostOperation.GetInfo));
        var allocated = GC.GetTotalAllocatedBytes(precise: true);

        // A host that announces a 1 GiB frame (and never sends it).
        var header = new byte[13];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(header, 1 << 30);
        header[4] = 2;
        await fromHost.WriteAsync(header);
        await fromHost.FlushAsync();

        await server.Closed.WaitAsync(TimeSpan.FromSeconds(30));
        await Assert.ThrowsAsync<HostChannelClosedException>(() => pending.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.True(GC.GetTotalAllocatedBytes(precise: true) - allocated < 64 << 20, "the announced frame was allocated");
        await server.DisposeAsync();
    }

    [Theory]
    [InlineData(16 << 20, 256 << 20)]
    [InlineData(200 << 20, (400 << 20) + (1 << 20))]
    [InlineData(1536 << 20, int.MaxValue)]
    public void The_frame_limit_leaves_room_for_two_of_the_largest_oplog_entries(int maxEntryBytes, int expected) =>
        Assert.Equal(expected, HostChannel.MaxFrameBytesFor(maxEntryBytes));

    /// <summary>A host that answers "slow" once the pair is released and echoes the first argument of any other invocation.</summary>
    private static async Task<object?> SlowOrEchoAsync(object call) => call switch
    {
        HostInvoke { Function: "slow" } invoke => await SlowAsync(invoke),
        HostInvoke invoke => new InvokeReply(InvocationState.Completed, invoke.IdempotencyKey!, invoke.Function, invoke.Values![0]),
        _ => throw new InvalidOperationException("unexpected"),
    };

    private static async Task<object?> SlowAsync(HostInvoke invoke)
    {
        await Pair.Current!.Release.Task;
        return new InvokeReply(InvocationState.Completed, invoke.IdempotencyKey!, invoke.Function, invoke.Values![0]);
    }

    /// <summary>Two channels joined by two anonymous pipes, as the server and a host are.</summary>
    private sealed class Pair : IAsyncDisposable
    {
        private readonly AnonymousPipeServerStream _toHost = new(PipeDirection.Out);
        private readonly AnonymousPipeServerStream _toServer = new(PipeDirection.Out);
        private readonly AnonymousPipeClientStream _hostIn;
        private readonly AnonymousPipeClientStream _serverIn;

        public static Pair? Current { get; private set; }

        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public HostChannel Server { get; }

        public HostChannel Host { get; }

        private readonly CountingStream? _hostOut;

        private Pair(Func<object, Task<object?>> hostHandles, Func<object, Task<object?>> serverHandles, Func<long>? hostRoom,
            Func<object, bool>? serverAnswersOnReader, Action<object>? serverNotices, bool countHostWrites, Func<object, bool>? hostRunsOnReader,
            Action<object>? hostNotices)
        {
            _hostIn = new AnonymousPipeClientStream(PipeDirection.In, _toHost.ClientSafePipeHandle);
            _serverIn = new AnonymousPipeClientStream(PipeDirection.In, _toServer.ClientSafePipeHandle);
            _hostOut = countHostWrites ? new CountingStream(_toServer) : null;
            Server = new HostChannel(_serverIn, _toHost, Serializer, serverHandles, serverNotices ?? (_ => { }), "test server", answerOnReader: serverAnswersOnReader);
            Host = new HostChannel(_hostIn, (Stream?)_hostOut ?? _toServer, Serializer, hostHandles, hostNotices ?? (_ => { }), "test host", outputRoom: hostRoom,
                runOnReader: hostRunsOnReader);
        }

        public static Pair Open(Func<object, Task<object?>> hostHandles, Func<object, Task<object?>> serverHandles, Func<long>? hostRoom = null,
            Func<object, bool>? serverAnswersOnReader = null, Action<object>? serverNotices = null, bool countHostWrites = false,
            Func<object, bool>? hostRunsOnReader = null, Action<object>? hostNotices = null) =>
            Current = new Pair(hostHandles, serverHandles, hostRoom, serverAnswersOnReader, serverNotices, countHostWrites, hostRunsOnReader, hostNotices);

        /// <summary>How many writes the host's end made to its pipe (with <c>countHostWrites</c>).</summary>
        public int HostWrites => _hostOut?.Writes ?? throw new InvalidOperationException("the host's writes are not counted");

        /// <summary>What a host's death does to the server's end: its output pipe closes.</summary>
        public void KillHost() => _toServer.Dispose();

        public async ValueTask DisposeAsync()
        {
            Release.TrySetResult();
            await Server.DisposeAsync();
            await Host.DisposeAsync();
            _toHost.Dispose();
            _toServer.Dispose();
            _hostIn.Dispose();
            _serverIn.Dispose();
        }
    }

    /// <summary>A stream that counts the writes made through it to another.</summary>
    private sealed class CountingStream(Stream inner) : Stream
    {
        private int _writes;

        public int Writes => Volatile.Read(ref _writes);

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Write(byte[] buffer, int offset, int count)
        {
            Interlocked.Increment(ref _writes);
            inner.Write(buffer, offset, count);
        }

        public override void Flush() => inner.Flush();

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
