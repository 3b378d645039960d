using System.Text;
using Clay.Sdk;

namespace Clay.Reliability;

/// <summary>
/// A ledger of entries and of charges made through an external HTTP service: what the crash
/// harness checks after every <c>kill -9</c> (each acknowledged entry exactly once, each charge
/// performed at most once).
/// </summary>
[ClayWorker]
public sealed class Ledger(WorkerContext context)
{
    private readonly List<string> _entries = [];
    private readonly List<string> _charges = [];

    /// <summary>Appends an entry; returns how many there are.</summary>
    public uint Add(string entry)
    {
        _entries.Add(entry);
        return (uint)_entries.Count;
    }

    /// <summary>The entries, in order.</summary>
    public IReadOnlyList<string> Entries() => _entries;

    /// <summary>POSTs <paramref name="id"/> to <paramref name="url"/> (an effect that must run at most once) and records it.</summary>
    public async Task<string> ChargeAsync(string url, string id)
    {
        using var response = await context.Http.PostAsync(url, new StringContent(id, Encoding.UTF8, "text/plain"));
        var body = await response.Content.ReadAsStringAsync();
        _charges.Add(id);
        return body;
    }

    /// <summary>The charges made, in order.</summary>
    public IReadOnlyList<string> Charges() => _charges;

    /// <summary>Keeps the worker busy for a while (a durable sleep).</summary>
    public async Task PauseAsync(uint milliseconds) => await context.SleepAsync(TimeSpan.FromMilliseconds(milliseconds));

    /// <summary>
    /// Sleeps durably for <paramref name="seconds"/>, then appends <paramref name="entry"/>: work that
    /// continues by itself, on whichever node holds the worker when its time comes.
    /// </summary>
    public async Task<uint> AddLaterAsync(string entry, uint seconds)
    {
        await context.SleepAsync(TimeSpan.FromSeconds(seconds));
        _entries.Add(entry);
        return (uint)_entries.Count;
    }

    /// <summary>Returns <paramref name="text"/> repeated <paramref name="times"/> times: a result as large as asked.</summary>
    public string Repeat(string text, uint times) => string.Concat(Enumerable.Repeat(text, (int)times));
}
