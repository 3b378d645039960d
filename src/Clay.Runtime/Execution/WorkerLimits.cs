namespace Clay.Runtime.Execution;

/// <summary>
/// The size and queue limits every worker runs under. Each one, when hit, fails the request with a
/// stable error code and records nothing that could not be replayed.
/// </summary>
public sealed record WorkerLimits
{
    /// <summary>The default <see cref="MaxArgumentBytes"/>: 1 MiB.</summary>
    public const int DefaultMaxArgumentBytes = 1 << 20;

    /// <summary>The default <see cref="MaxResultBytes"/>: 1 MiB.</summary>
    public const int DefaultMaxResultBytes = 1 << 20;

    /// <summary>The default <see cref="MaxEntryBytes"/>: 4 MiB.</summary>
    public const int DefaultMaxEntryBytes = 4 << 20;

    /// <summary>The default <see cref="MaxPendingInvocations"/>.</summary>
    public const int DefaultMaxPendingInvocations = 1024;

    /// <summary>
    /// The largest encoded arguments of one invocation; a larger call is refused with
    /// <c>argument-too-large</c> before anything is recorded.
    /// </summary>
    public int MaxArgumentBytes { get; init; } = DefaultMaxArgumentBytes;

    /// <summary>
    /// The largest encoded result of one invocation. An invocation returning more is recorded as
    /// failed with <c>result-too-large</c> (its effects on the worker's state stay; replay reproduces them).
    /// </summary>
    public int MaxResultBytes { get; init; } = DefaultMaxResultBytes;

    /// <summary>
    /// The largest encoded oplog entry. An external effect whose result is larger is recorded as a
    /// failed effect; log lines and failure messages are cut to fit; a snapshot that is larger is not taken.
    /// </summary>
    public int MaxEntryBytes { get; init; } = DefaultMaxEntryBytes;

    /// <summary>Invocations one worker may have queued or running; more are refused with <c>too-many-pending</c>.</summary>
    public int MaxPendingInvocations { get; init; } = DefaultMaxPendingInvocations;

    /// <summary>The longest text kept in a log line or a failure message.</summary>
    internal int MaxTextChars => Math.Min(64 * 1024, MaxEntryBytes / 8);

    /// <summary>Cuts <paramref name="text"/> to <see cref="MaxTextChars"/>, saying how much was dropped.</summary>
    internal string Cut(string text) =>
        text.Length <= MaxTextChars ? text : string.Concat(text.AsSpan(0, MaxTextChars), $"… ({text.Length - MaxTextChars} more characters)");
}
