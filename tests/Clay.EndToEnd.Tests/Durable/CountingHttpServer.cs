using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Clay.Reliability;

namespace Clay.EndToEnd.Tests.Durable;

/// <summary>
/// The outside world of a worker under test: a loopback HTTP server that counts the requests each
/// path receives — every real run of an effect, seen from outside the server process and across its
/// crashes — and answers 503 (a transient failure) to a path as often as the test says.
/// </summary>
public sealed class CountingHttpServer : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly ConcurrentDictionary<string, int> _hits = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _failuresLeft = new(StringComparer.Ordinal);
    private readonly Task _serving;
    private readonly Lock _gate = new();
    private readonly List<(Func<bool> Condition, TaskCompletionSource Done)> _waiters = [];

    public CountingHttpServer()
    {
        Url = $"http://127.0.0.1:{LoopbackPorts.Free()}/";
        _listener.Prefixes.Add(Url);
        _listener.Start();
        _serving = ServeAsync();
    }

    /// <summary>The base URL, ending in a slash.</summary>
    public string Url { get; }

    /// <summary>How many requests <paramref name="path"/> (without the leading slash) received.</summary>
    public int Hits(string path) => _hits.TryGetValue(path, out var n) ? n : 0;

    /// <summary>Every path that was requested, with its count.</summary>
    public IReadOnlyDictionary<string, int> AllHits => new Dictionary<string, int>(_hits, StringComparer.Ordinal);

    /// <summary>The next <paramref name="times"/> requests of <paramref name="path"/> get 503 (int.MaxValue: until told otherwise).</summary>
    public void Fail(string path, int times) => _failuresLeft[path] = times;

    /// <summary>Completes once <paramref name="path"/> has received at least <paramref name="count"/> requests; fails after <paramref name="timeout"/>.</summary>
    public Task WaitForAsync(string path, int count, TimeSpan timeout)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            if (Hits(path) >= count) return Task.CompletedTask;
            _waiters.Add((() => Hits(path) >= count, done));
        }
        return done.Task.WaitAsync(timeout);
    }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }
            var path = context.Request.Url!.AbsolutePath.TrimStart('/');
            var count = _hits.AddOrUpdate(path, 1, (_, n) => n + 1);
            var fail = false;
            _failuresLeft.AddOrUpdate(path, 0, (_, left) =>
            {
                fail = left > 0;
                return left == int.MaxValue ? left : Math.Max(0, left - 1);
            });
            context.Response.StatusCode = fail ? 503 : 200;
            var body = Encoding.UTF8.GetBytes(fail ? $"{path} is down (call {count})" : $"{path} answered on call {count}");
            context.Response.ContentLength64 = body.Length;
            try
            {
                await context.Response.OutputStream.WriteAsync(body);
                context.Response.Close();
            }
            catch (HttpListenerException)
            {
                // The caller went away (its server was killed): the request still counts.
            }
            lock (_gate)
            {
                foreach (var waiter in _waiters.Where(w => w.Condition()).ToList())
                {
                    waiter.Done.TrySetResult();
                    _waiters.Remove(waiter);
                }
            }
        }
    }

    public void Dispose()
    {
        _listener.Close();
        try { _serving.Wait(TimeSpan.FromSeconds(10)); } catch (AggregateException) { }
    }
}
