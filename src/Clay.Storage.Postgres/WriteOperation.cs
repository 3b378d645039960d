using Clay.Runtime;

namespace Clay.Storage.Postgres;

/// <summary>A write waiting for the store's writer: completed once its transaction has committed, or failed.</summary>
internal abstract record WriteOperation(WorkerId Worker)
{
    public TaskCompletionSource Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>What the operation counts for against a batch's size limit.</summary>
    public virtual int Size => 1;

    /// <summary>Entries <see cref="Entries"/> at <see cref="FirstIndex"/>, fenced on the worker's last index.</summary>
    public sealed record Append(WorkerId Worker, long FirstIndex, IReadOnlyList<ReadOnlyMemory<byte>> Entries) : WriteOperation(Worker)
    {
        public override int Size => Entries.Count;
    }

    /// <summary>Drops the worker's whole oplog.</summary>
    public sealed record Delete(WorkerId Worker) : WriteOperation(Worker);

    /// <summary>Drops the entries from <see cref="FromIndex"/> on.</summary>
    public sealed record Truncate(WorkerId Worker, long FromIndex) : WriteOperation(Worker);
}
