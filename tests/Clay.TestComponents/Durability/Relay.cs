using Clay.Sdk;

namespace Clay.TestComponents.Durability;

/// <summary>Passes calls along a path of workers of its own component, and sends notes without waiting.</summary>
[ClayWorker]
public sealed class Relay(WorkerContext context)
{
    private readonly List<string> _received = [];

    /// <summary>Completed runs of <see cref="Forward"/>, by worker and remaining path (replays do not count: they return early).</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Clay.Determinism", "CLAY015", Justification = "Tests count how often each worker really served a call.")]
    public static System.Collections.Concurrent.ConcurrentDictionary<string, int> Served { get; } = new();

    /// <summary>Calls the first worker on <paramref name="path"/> with the rest of it, and answers with the names along the way.</summary>
    public async Task<string> Forward(List<string> path)
    {
        var me = context.Identity.WorkerName;
        var answer = me;
        if (path.Count > 0)
        {
            var next = new WorkerIdentity(context.Identity.ComponentName, path[0]);
            answer = $"{me}>{await context.CallAsync<string>(next, "forward", path.Skip(1).ToList())}";
        }
        var served = await context.RunAsync("served", _ => Task.FromResult(Served.AddOrUpdate($"{me}:{string.Join(',', path)}", 1, (_, n) => n + 1)),
            new EffectOptions { Idempotent = true });
        return served > 0 ? answer : "";
    }

    /// <summary>Queues a note to <paramref name="to"/> without waiting for it.</summary>
    public async Task Notify(string to, string note) =>
        await context.EnqueueCallAsync(new WorkerIdentity(context.Identity.ComponentName, to), "receive", $"{context.Identity.WorkerName}: {note}");

    /// <summary>Schedules a note to <paramref name="to"/> in <paramref name="seconds"/> seconds; returns the schedule's key.</summary>
    public async Task<string> NoteLater(string to, ulong seconds, string note) =>
        await context.ScheduleCallAsync(new WorkerIdentity(context.Identity.ComponentName, to), context.UtcNow().AddSeconds(seconds), "receive",
            $"{context.Identity.WorkerName}: {note}");

    /// <summary>Sleeps durably for <paramref name="seconds"/>, then answers.</summary>
    public async Task<string> Nap(ulong seconds)
    {
        await context.SleepAsync(TimeSpan.FromSeconds(seconds));
        return $"{context.Identity.WorkerName} rested {seconds} s";
    }

    /// <summary>Asks <paramref name="to"/> to nap for <paramref name="seconds"/> and answers with what it said.</summary>
    public async Task<string> AskNap(string to, ulong seconds) =>
        await context.CallAsync<string>(new WorkerIdentity(context.Identity.ComponentName, to), "nap", seconds);

    /// <summary>Takes a note.</summary>
    public void Receive(string note) => _received.Add(note);

    /// <summary>The notes taken, in order.</summary>
    public IReadOnlyList<string> Received() => _received;
}
