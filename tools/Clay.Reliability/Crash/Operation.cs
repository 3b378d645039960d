namespace Clay.Reliability;

/// <summary>One operation a client made, and how it ended.</summary>
internal sealed record Operation(string Worker, string Id, int Client, int Sequence, bool Charge)
{
    /// <summary>The server answered with its result.</summary>
    public bool Acknowledged { get; set; }

    /// <summary>The server answered with a definite failure (for a charge: its outcome was unknown after a crash).</summary>
    public bool Refused { get; set; }

    public int Attempts { get; set; }

    /// <summary>When its latest attempt was sent (a <see cref="System.Diagnostics.Stopwatch"/> timestamp).</summary>
    public long LastAttemptAt { get; set; }

    /// <summary>When the latest attempt that got no result was sent (a <see cref="System.Diagnostics.Stopwatch"/> timestamp), or 0.</summary>
    public long FailedAttemptAt { get; set; }

    /// <summary>When its result arrived (a <see cref="System.Diagnostics.Stopwatch"/> timestamp), once acknowledged.</summary>
    public long AcknowledgedAt { get; set; }

    /// <summary>The node (its index in the client's list) that acknowledged it.</summary>
    public int Node { get; set; }

    /// <summary>The last answer that was neither a result nor a definite failure.</summary>
    public string? LastError { get; set; }
}
