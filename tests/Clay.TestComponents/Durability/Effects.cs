using Clay.Sdk;

namespace Clay.TestComponents.Durability;

/// <summary>Keeps non-deterministic values in its state: replay must serve the same ones.</summary>
[ClayWorker]
public sealed class Effects(WorkerContext context)
{
    private readonly List<string> _seen = [];

    /// <summary>Draws a random number, a GUID and the time, keeps them and returns them.</summary>
    public string Draw()
    {
        var drawn = $"{context.NextRandom()}|{context.NewGuid()}|{context.UtcNow():O}|{context.MonotonicNanoseconds() >= 0}";
        _seen.Add(drawn);
        context.Log($"drew {drawn}");
        return drawn;
    }

    /// <summary>Everything drawn so far.</summary>
    public IReadOnlyList<string> Seen() => _seen;

    /// <summary>Runs a named effect through the durable context and keeps its result.</summary>
    public async Task<string> RunEffect(string name)
    {
        var result = await context.RunAsync(name, _ => Task.FromResult(EffectProbe.Next(name)));
        _seen.Add(result);
        return result;
    }
}

/// <summary>What the test effects return; counts how often each effect really ran.</summary>
public static class EffectProbe
{
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Clay.Determinism", "CLAY015", Justification = "Tests count how often an effect really ran, across replays; the count must live outside the worker.")]
    private static readonly Dictionary<string, int> Calls = [];

    /// <summary>Records one real execution of <paramref name="name"/> and returns a value naming it.</summary>
    public static string Next(string name)
    {
        lock (Calls)
        {
            Calls[name] = Calls.GetValueOrDefault(name) + 1;
            return $"{name}#{Calls[name]}";
        }
    }

    /// <summary>How many times <paramref name="name"/> really ran.</summary>
    public static int CallsOf(string name)
    {
        lock (Calls) return Calls.GetValueOrDefault(name);
    }
}
