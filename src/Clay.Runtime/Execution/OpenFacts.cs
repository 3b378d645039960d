namespace Clay.Runtime.Execution;

/// <summary>
/// What the opener of a worker has just read about it, so that opening does not read it again: the
/// index of its last entry and, for a worker with no oplog yet, the latest component version (the one
/// the request that creates it was typed against).
/// </summary>
/// <param name="LastIndex">The index of the worker's last entry (0: it has no oplog).</param>
/// <param name="Latest">The latest version of its component, when <paramref name="LastIndex"/> is 0 and it was read.</param>
/// <param name="Admitted">The caller has admitted the new worker under the worker quota already.</param>
internal sealed record OpenFacts(long LastIndex, LoadedComponent? Latest = null, bool Admitted = false);
