using Clay.Sdk;

namespace Clay.EndToEnd.Sleeper;

/// <summary>
/// Waits durably — for time, for a promise, for a service that fails transiently — and reaches the
/// outside world only through a service the test runs, so the test counts every real effect from
/// outside the server process, across its crashes.
/// </summary>
[ClayWorker]
public sealed class Sleeper(WorkerContext context)
{
    /// <summary>How many instances of each worker this process made: shared on purpose, so that <see cref="Drift"/> differs once a worker is rebuilt.</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Clay.Determinism", "CLAY015",
        Justification = "The tests of a nondeterministic worker need code that does something else when replayed in the same process.")]
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, int> Instances = new(StringComparer.Ordinal);

    private readonly int _instance = Instances.AddOrUpdate(context.Identity.WorkerName, 1, (_, n) => n + 1);
    private readonly List<string> _steps = [];
    private long _dueMs;
    private long _wokeMs;

    /// <summary>
    /// Runs <paramref name="steps"/> idempotent effects (a GET of <c>{url}step/{n}</c>), each followed
    /// by a durable sleep of <paramref name="secondsEach"/> seconds.
    /// </summary>
    public async Task<uint> Loop(string url, uint steps, uint secondsEach)
    {
        for (uint i = 1; i <= steps; i++)
        {
            var step = i;
            await context.RunAsync("step", ct => GetAsync($"{url}step/{step}", ct), new EffectOptions { Idempotent = true });
            _steps.Add($"step {step}");
            await context.SleepAsync(TimeSpan.FromSeconds(secondsEach));
        }
        return steps;
    }

    /// <summary>Sleeps <paramref name="milliseconds"/>; returns how late it woke, in milliseconds.</summary>
    public async Task<long> Nap(uint milliseconds)
    {
        // Read before the sleep reads its own clock: the due time is never later than the sleep's.
        var due = context.UtcNow() + TimeSpan.FromMilliseconds(milliseconds);
        await context.SleepAsync(TimeSpan.FromMilliseconds(milliseconds));
        var woke = context.UtcNow();
        _dueMs = due.ToUnixTimeMilliseconds();
        _wokeMs = woke.ToUnixTimeMilliseconds();
        _steps.Add("woke");
        return _wokeMs - _dueMs;
    }

    /// <summary>
    /// Waits <paramref name="milliseconds"/> inside an idempotent effect, as a call to a slow service
    /// would, and returns them: work under way that a crash interrupts and a recovery runs again.
    /// </summary>
    public Task<uint> Work(uint milliseconds) =>
        context.RunAsync("work", async ct =>
        {
            await Task.Delay(TimeSpan.FromMilliseconds(milliseconds), ct);
            return milliseconds;
        }, new EffectOptions { Idempotent = true });

    /// <summary>The last nap's due time and waking time, in Unix milliseconds (0, 0 before one ended).</summary>
    public IReadOnlyList<long> LastNap() => [_dueMs, _wokeMs];

    /// <summary>Creates a promise and returns its id.</summary>
    public ulong Promise() => (ulong)context.CreatePromise().Value;

    /// <summary>Waits for promise <paramref name="id"/>, keeps its value and returns it.</summary>
    public async Task<string> WaitFor(ulong id)
    {
        var value = await context.AwaitPromiseAsync(new PromiseId((long)id));
        _steps.Add($"got {value}");
        return value;
    }

    /// <summary>
    /// GETs <paramref name="url"/> once per attempt (no retries inside the effect): an answer of 503
    /// is a transient failure, which retries the whole invocation.
    /// </summary>
    public async Task<string> Unsteady(string url)
    {
        var answer = await context.RunAsync("service", ct => GetAsync(url, ct), new EffectOptions { Idempotent = true, Retry = RetryPolicy.None });
        _steps.Add(answer);
        return answer;
    }

    /// <summary>
    /// Nondeterministic on purpose: the worker's first instance in a process does nothing durable, a
    /// rebuilt one (after an eviction) asks for the time, which replay reports as nondeterminism.
    /// </summary>
    public string Drift()
    {
        if (_instance > 1) _ = context.UtcNow();
        return "drifted";
    }

    /// <summary>Writes <paramref name="text"/> to the worker's log (<c>context.Log</c>): the line a log stream shows.</summary>
    public void Say(string text) => context.Log(text);

    /// <summary>Answers with <paramref name="text"/>.</summary>
    public string Echo(string text) => text;

    /// <summary>Asks worker <paramref name="other"/> of this component to echo <paramref name="text"/>: one worker-to-worker call.</summary>
    public async Task<string> AskEcho(string other, string text) =>
        await context.CallAsync<string>(new WorkerIdentity(context.Identity.ComponentName, other), "echo", text);

    /// <summary>
    /// Asks worker <paramref name="other"/> of this component to nap for <paramref name="milliseconds"/>
    /// (a long worker-to-worker call), notes that it did, and answers with the nap's lateness.
    /// </summary>
    public async Task<long> AskNap(string other, uint milliseconds)
    {
        var late = await context.CallAsync<long>(new WorkerIdentity(context.Identity.ComponentName, other), "nap", milliseconds);
        _steps.Add($"{other} napped");
        return late;
    }

    /// <summary>Throws an ordinary exception: only this invocation fails.</summary>
    public string Broken() => throw new InvalidOperationException("broken on purpose");

    /// <summary>What the worker did, in order.</summary>
    public IReadOnlyList<string> Steps() => _steps;

    /// <summary>The request of an effect: only ever run inside <c>RunAsync</c>, which records its answer.</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Clay.Determinism", "CLAY007",
        Justification = "Runs inside RunAsync only; a 503 must reach the code as a TransientException thrown inside the effect.")]
    private static async Task<string> GetAsync(string url, CancellationToken cancellationToken)
    {
        using var http = new HttpClient();
        using var response = await http.GetAsync(new Uri(url), cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        if (response.StatusCode == System.Net.HttpStatusCode.ServiceUnavailable) throw new TransientException($"{url} is unavailable: {body}");
        response.EnsureSuccessStatusCode();
        return body;
    }
}
