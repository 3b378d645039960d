using System.Text;
using Clay.Sdk;

namespace Clay.TestComponents.Durability;

/// <summary>Sums numbers and counts how often its code really ran: shows how much a recovery replayed.</summary>
[ClayWorker]
public sealed class Tally
{
    private readonly List<ulong> _history = [];
    private ulong _sum;

    /// <summary>Runs of <see cref="Add"/> in this process, replays included.</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Clay.Determinism", "CLAY015", Justification = "Tests count real executions, replays included, to see how much a recovery replayed.")]
    public static int Executions { get; set; }

    /// <summary>The managed thread on which <see cref="Add"/> last ran.</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Clay.Determinism", "CLAY015", Justification = "Tests see on which thread the worker's code ran.")]
    public static int LastThread { get; set; }

    /// <summary>Adds <paramref name="value"/> and returns the sum.</summary>
    public ulong Add(ulong value)
    {
        Executions++;
        LastThread = Environment.CurrentManagedThreadId;
        _history.Add(value);
        _sum += value;
        return _sum;
    }

    /// <summary>The values added, in order.</summary>
    public IReadOnlyList<ulong> History() => _history;

    /// <summary>Gates that successive live runs of <see cref="HoldAsync"/> wait for, in order; a run finding none goes on.</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Clay.Determinism", "CLAY015", Justification = "Tests hold the worker busy with gates they control.")]
    public static System.Collections.Concurrent.ConcurrentQueue<TaskCompletionSource> Gates { get; } = new();

    /// <summary>Each run of <see cref="HoldAsync"/> that takes a gate announces it here, before it waits.</summary>
    public static System.Threading.Channels.Channel<TaskCompletionSource> Held { get; } =
        System.Threading.Channels.Channel.CreateUnbounded<TaskCompletionSource>();

    /// <summary>Waits for the next gate in <see cref="Gates"/>: holds the worker busy while a test looks at it.</summary>
    public async Task HoldAsync()
    {
        if (!Gates.TryDequeue(out var gate)) return;
        Held.Writer.TryWrite(gate);
        await gate.Task;
    }
}

/// <summary>A worker with its own snapshot format, whose loading can be made to fail.</summary>
[ClayWorker]
public sealed class Notebook : ISnapshotable
{
    private readonly List<string> _notes = [];

    /// <summary>When set, loading a snapshot throws, as a corrupt or incompatible snapshot would.</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Clay.Determinism", "CLAY015", Justification = "Tests make snapshot loading fail on purpose.")]
    public static bool BreakLoading { get; set; }

    /// <summary>Adds a note and returns how many there are.</summary>
    public uint Write(string note)
    {
        _notes.Add(note);
        return (uint)_notes.Count;
    }

    /// <summary>The notes.</summary>
    public IReadOnlyList<string> Read() => _notes;

    /// <inheritdoc/>
    public byte[] SaveSnapshot() => Encoding.UTF8.GetBytes(string.Join('\n', _notes));

    /// <inheritdoc/>
    public void LoadSnapshot(byte[] snapshot)
    {
        if (BreakLoading) throw new InvalidDataException("notebook snapshot is damaged");
        _notes.AddRange(Encoding.UTF8.GetString(snapshot).Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }
}
