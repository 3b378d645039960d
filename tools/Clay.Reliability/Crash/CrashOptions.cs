namespace Clay.Reliability;

/// <summary>How the crash harness runs.</summary>
public sealed record CrashOptions
{
    /// <summary>Kill/restart cycles under load.</summary>
    public int Cycles { get; init; } = 100;

    /// <summary>Concurrent clients; each owns <see cref="WorkersPerClient"/> ledgers.</summary>
    public int Clients { get; init; } = 16;

    /// <summary>Ledgers per client.</summary>
    public int WorkersPerClient { get; init; } = 2;

    /// <summary>The shortest and longest time the load runs before the server is killed.</summary>
    public TimeSpan MinRun { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <inheritdoc cref="MinRun"/>
    public TimeSpan MaxRun { get; init; } = TimeSpan.FromMilliseconds(1500);

    /// <summary>
    /// Invocations that must be acknowledged after each restart before the next kill is timed, so a
    /// slow machine still puts every cycle under load (waits at most a minute).
    /// </summary>
    public int MinAcknowledgedPerCycle { get; init; } = 20;

    /// <summary>Every this many cycles the server is stopped with SIGTERM instead of SIGKILL (0: never).</summary>
    public int TerminateEvery { get; init; } = 5;

    /// <summary>
    /// Every this many cycles the restart itself is killed during start-up, at a random moment before the
    /// server is ready (0: never); the cycle after that, it is killed during recovery, within
    /// <see cref="RecoveryWindow"/> of being ready while the clients' retries bring their workers back
    /// (0, 1 or 2: never).
    /// </summary>
    public int RestartKillEvery { get; init; } = 3;

    /// <summary>How soon after the server is ready a kill during recovery comes (a random moment within it).</summary>
    public TimeSpan RecoveryWindow { get; init; } = TimeSpan.FromMilliseconds(300);

    /// <summary>The fraction of operations that are charges (an external HTTP effect).</summary>
    public double ChargeShare { get; init; } = 0.15;

    /// <summary>
    /// Runs the server under the power-cut layer: after every stop, every write the server had not
    /// synced is lost, as in a power cut (see <see cref="PowerCut.PowerCutLayer"/>).
    /// </summary>
    public bool PowerLoss { get; init; }

    /// <summary>
    /// With <see cref="PowerLoss"/>: count the deployed component's files as written back before the
    /// load starts (true), or let the first power cut find them as the upload left them (false).
    /// </summary>
    public bool SettleAfterDeploy { get; init; } = true;

    /// <summary>
    /// UNSAFE, to show that the checks notice: the store's synchronous setting (<c>normal</c> or
    /// <c>off</c>), passed to the server as <c>CLAY_UNSAFE_SQLITE_SYNCHRONOUS</c>. Null: the default (full).
    /// </summary>
    public string? UnsafeSynchronous { get; init; }

    /// <summary>Seed of the random choices (kill moments, operations).</summary>
    public int Seed { get; init; } = Environment.TickCount;

    /// <summary>Where the published clay-server is.</summary>
    public string BinDirectory { get; init; } = ClayServerProcess.FindBin();

    /// <summary>Progress lines.</summary>
    public Action<string> Log { get; init; } = Console.WriteLine;
}

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

/// <summary>How many times the server was stopped, by moment.</summary>
/// <param name="UnderLoad">SIGKILL while the clients' load runs.</param>
/// <param name="DuringStartUp">SIGKILL before the restarted server was ready.</param>
/// <param name="DuringRecovery">SIGKILL shortly after it was ready, while workers were being brought back.</param>
/// <param name="Terminated">SIGTERM under load.</param>
public sealed record KillCounts(int UnderLoad, int DuringStartUp, int DuringRecovery, int Terminated);
