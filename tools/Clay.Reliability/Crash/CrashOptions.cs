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
