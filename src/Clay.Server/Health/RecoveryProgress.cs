namespace Clay.Server.Health;

/// <summary>
/// Whether start-up recovery is under way: from the server's start until the workers the store marks
/// as having work to continue (an invocation running or queued, a retry, a sleep) have been listed
/// and handed to the wake-up clock. The readiness check answers "not ready" meanwhile.
/// </summary>
public sealed class RecoveryProgress
{
    private readonly Lock _gate = new();
    private bool _running;
    private DateTimeOffset _since;

    /// <summary>True from <see cref="Begin"/> until <see cref="Finish"/>.</summary>
    public bool IsRecovering
    {
        get { lock (_gate) return _running; }
    }

    /// <summary>When the recovery under way began.</summary>
    public DateTimeOffset Since
    {
        get { lock (_gate) return _since; }
    }

    /// <summary>How many workers the last recovery handed on.</summary>
    public int Workers { get; private set; }

    /// <summary>Start-up recovery begins.</summary>
    public void Begin(DateTimeOffset now)
    {
        lock (_gate) (_running, _since) = (true, now);
    }

    /// <summary>Start-up recovery is over: <paramref name="workers"/> workers were handed to the wake-up clock.</summary>
    public void Finish(int workers)
    {
        lock (_gate)
        {
            _running = false;
            Workers = workers;
        }
    }
}
