using System.Text;
using Clay.Sdk;

namespace Clay.TestComponents.Durability;

// Versions of one component, "ledger", for update tests: each records lines, taking a durable GUID for each.

/// <summary>Version 1 of the ledger: records lines, each with a durable GUID.</summary>
[ClayWorker]
public sealed class LedgerV1(WorkerContext context) : ISnapshotable
{
    private readonly List<string> _lines = [];

    /// <summary>Records a line and returns how many there are.</summary>
    public uint Record(string line)
    {
        _ = context.NewGuid();
        _lines.Add(line);
        return (uint)_lines.Count;
    }

    /// <summary>The lines.</summary>
    public IReadOnlyList<string> Lines() => _lines;

    /// <inheritdoc/>
    public byte[] SaveSnapshot() => Encoding.UTF8.GetBytes(string.Join('\n', _lines));

    /// <inheritdoc/>
    public void LoadSnapshot(byte[] snapshot) => _lines.AddRange(Encoding.UTF8.GetString(snapshot).Split('\n', StringSplitOptions.RemoveEmptyEntries));
}

/// <summary>Version 2, compatible with version 1: the same effects, and a new function.</summary>
[ClayWorker]
public sealed class LedgerV2(WorkerContext context) : ISnapshotable
{
    private readonly List<string> _lines = [];

    /// <summary>Records a line and returns how many there are.</summary>
    public uint Record(string line)
    {
        _ = context.NewGuid();
        _lines.Add(line);
        return (uint)_lines.Count;
    }

    /// <summary>The lines.</summary>
    public IReadOnlyList<string> Lines() => _lines;

    /// <summary>New in this version: how many lines there are.</summary>
    public uint Total() => (uint)_lines.Count;

    /// <inheritdoc/>
    public byte[] SaveSnapshot() => Encoding.UTF8.GetBytes(string.Join('\n', _lines));

    /// <inheritdoc/>
    public void LoadSnapshot(byte[] snapshot) => _lines.AddRange(Encoding.UTF8.GetString(snapshot).Split('\n', StringSplitOptions.RemoveEmptyEntries));
}

/// <summary>Version 3, incompatible with version 1: it asks for the clock where version 1 asked for a GUID, so replaying version 1's history diverges.</summary>
[ClayWorker]
public sealed class LedgerV3(WorkerContext context) : ISnapshotable
{
    private readonly List<string> _lines = [];

    /// <summary>Records a line, stamped, and returns how many there are.</summary>
    public uint Record(string line)
    {
        _ = context.UtcNow();
        _lines.Add(line);
        return (uint)_lines.Count;
    }

    /// <summary>The lines.</summary>
    public IReadOnlyList<string> Lines() => _lines;

    /// <inheritdoc/>
    public byte[] SaveSnapshot() => Encoding.UTF8.GetBytes(string.Join('\n', _lines));

    /// <inheritdoc/>
    public void LoadSnapshot(byte[] snapshot) => _lines.AddRange(Encoding.UTF8.GetString(snapshot).Split('\n', StringSplitOptions.RemoveEmptyEntries));
}

/// <summary>Version 4: cannot load the snapshots of the earlier versions.</summary>
[ClayWorker]
public sealed class LedgerV4 : ISnapshotable
{
    private readonly List<string> _lines = [];

    /// <summary>The lines.</summary>
    public IReadOnlyList<string> Lines() => _lines;

    /// <inheritdoc/>
    public byte[] SaveSnapshot() => [];

    /// <inheritdoc/>
    public void LoadSnapshot(byte[] snapshot) => throw new InvalidDataException("ledger version 4 cannot read this snapshot");
}
