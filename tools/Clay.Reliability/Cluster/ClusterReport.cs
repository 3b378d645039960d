namespace Clay.Reliability.Cluster;

/// <summary>What the cluster failover harness saw and verified.</summary>
/// <param name="Seed">The seed, to run the same choices again.</param>
/// <param name="Acknowledged">Invocations acknowledged.</param>
/// <param name="AcknowledgedByNode">Of those, how many each node acknowledged.</param>
/// <param name="ResidentOnVictim">Workers in the killed node's memory just before the kill.</param>
/// <param name="FailoverTime">From the kill until the clients had as many acknowledgements again as before it.</param>
/// <param name="DeclaredDeadAfter">From the kill until a survivor listed the node as dead.</param>
/// <param name="AcknowledgedByRejoined">Invocations the killed node acknowledged after it rejoined.</param>
/// <param name="Lost">Acknowledged invocations missing at the end.</param>
/// <param name="Duplicated">Entries recorded more than once.</param>
/// <param name="Unexpected">Entries no client sent, sent but refused, or never acknowledged.</param>
/// <param name="Retried">Invocations retried (on another node) after going unanswered.</param>
/// <param name="ChargesRepeated">Charges the external service received more than once.</param>
/// <param name="Violations">Every broken promise, one line each.</param>
/// <param name="Elapsed">Wall time.</param>
public sealed record ClusterReport(int Seed, long Acknowledged, IReadOnlyList<long> AcknowledgedByNode, int ResidentOnVictim, TimeSpan FailoverTime,
    TimeSpan DeclaredDeadAfter, long AcknowledgedByRejoined, long Lost, long Duplicated, long Unexpected, long Retried, long ChargesRepeated,
    IReadOnlyList<string> Violations, TimeSpan Elapsed)
{
    /// <summary>True when nothing acknowledged was lost, nothing ran twice or out of order, nothing foreign appeared and no worker failed.</summary>
    public bool Passed => Violations.Count == 0;
}
