namespace Clay.Server.Health;

/// <summary>
/// Whether the server is still bringing back workers after a start: the readiness check answers
/// "not ready" until whatever recovers workers at start-up (the workers the store marks as having
/// work to continue) says it is done. A server with nothing to recover is ready at once.
/// </summary>
public sealed class RecoveryProgress
{
    private readonly Lock _gate = new();
    private long _total;
    private long _done;
    private bool _running;

    /// <summary>True from <see cref="Begin"/> until <see cref="Finish"/>.</summary>
    public bool IsRecovering
    {
        get { lock (_gate) return _running; }
    }

    /// <summary>Workers recovered so far, and how many there are, while recovering.</summary>
    public (long Done, long Total) Counts
    {
        get { lock (_gate) return (_done, _total); }
    }

    /// <summary>Start-up recovery begins with <paramref name="workers"/> workers to bring back.</summary>
    public void Begin(long workers)
    {
        lock (_gate) (_running, _total, _done) = (true, workers, 0);
    }

    /// <summary>One more worker is back.</summary>
    public void Recovered()
    {
        lock (_gate) _done++;
    }

    /// <summary>Start-up recovery is over.</summary>
    public void Finish()
    {
        lock (_gate) _running = false;
    }
}
