using Clay.Runtime;
using Clay.Runtime.Storage;

namespace Clay.Storage.Postgres;

/// <summary>A write waiting for the store's writer: completed once its transaction has committed, or failed.</summary>
internal abstract record WriteOperation(WorkerId Worker)
{
    public TaskCompletionSource Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>What the operation counts for against a batch's size limit.</summary>
    public virtual int Size => 1;

    /// <summary>Entries <see cref="Entries"/> at <see cref="FirstIndex"/>, fenced on the worker's last index.</summary>
    public sealed record Append(WorkerId Worker, long FirstIndex, IReadOnlyList<ReadOnlyMemory<byte>> Entries, WorkerMark? Mark) : WriteOperation(Worker)
    {
        public override int Size => Entries.Count;
    }

    /// <summary>Moves the worker's wake-up time earlier (or sets it).</summary>
    public sealed record Wake(WorkerId Worker, DateTimeOffset WakeAt) : WriteOperation(Worker);

    /// <summary>Stores a promise's completion unless it has one, and wakes the worker if it was stored.</summary>
    public sealed record CompletePromise(WorkerId Worker, long Promise, ReadOnlyMemory<byte> Value, DateTimeOffset WakeAt) : WriteOperation(Worker)
    {
        /// <summary>Set before completion: whether this operation stored the completion.</summary>
        public bool Completed { get; set; }
    }

    /// <summary>Drops the worker's whole oplog.</summary>
    public sealed record Delete(WorkerId Worker) : WriteOperation(Worker);

    /// <summary>Drops the entries from <see cref="FromIndex"/> on.</summary>
    public sealed record Truncate(WorkerId Worker, long FromIndex) : WriteOperation(Worker);
}
