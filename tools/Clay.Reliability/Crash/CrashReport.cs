namespace Clay.Reliability;

/// <summary>What the harness saw and verified.</summary>
/// <param name="Cycles">Cycles run.</param>
/// <param name="Seed">The seed, to run the same choices again.</param>
/// <param name="Kills">How the server was stopped: under load, during start-up, during recovery, and by SIGTERM.</param>
/// <param name="Acknowledged">Invocations acknowledged.</param>
/// <param name="Lost">Acknowledged invocations missing at the end.</param>
/// <param name="Duplicated">Entries recorded more than once.</param>
/// <param name="Unexpected">Entries no client sent, sent but refused, or never acknowledged.</param>
/// <param name="OutOfOrder">Workers whose entries are not in the order their client sent them.</param>
/// <param name="Retried">Invocations retried with the same key after going unanswered.</param>
/// <param name="ChargesAcknowledged">Charges acknowledged.</param>
/// <param name="ChargeCalls">Calls the external service received.</param>
/// <param name="ChargesRepeated">Charges the external service received more than once.</param>
/// <param name="ChargesUnknown">Charges cut by a crash, reported as failed and not repeated.</param>
/// <param name="FailedWorkers">Workers left Failed.</param>
/// <param name="PowerCut">Writes and directory changes undone by power cuts (empty unless <see cref="CrashOptions.PowerLoss"/>).</param>
/// <param name="Violations">Every broken promise, one line each.</param>
/// <param name="Elapsed">Wall time.</param>
public sealed record CrashReport(int Cycles, int Seed, KillCounts Kills, long Acknowledged, long Lost, long Duplicated, long Unexpected, long OutOfOrder,
    long Retried, long ChargesAcknowledged, long ChargeCalls, long ChargesRepeated, long ChargesUnknown, long FailedWorkers,
    PowerCut.PowerCutReport? PowerCut, IReadOnlyList<string> Violations, TimeSpan Elapsed)
{
    /// <summary>True when nothing acknowledged was lost, nothing ran twice or out of order, nothing foreign appeared and no worker failed.</summary>
    public bool Passed => Violations.Count == 0;
}
