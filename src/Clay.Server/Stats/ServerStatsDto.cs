namespace Clay.Server.Stats;

/// <summary>The answer of <c>GET /v1/server/stats</c>: the figures now and a short history for charts.</summary>
/// <param name="Version">The server's version.</param>
/// <param name="StartedAt">When the server started.</param>
/// <param name="IntervalSeconds">Seconds between two samples of the history.</param>
/// <param name="Now">The figures read for this request.</param>
/// <param name="History">Earlier samples, oldest first (at most <see cref="ServerStatsRecorder.HistoryLength"/>).</param>
public sealed record ServerStatsDto(string Version, DateTimeOffset StartedAt, double IntervalSeconds, ServerStatsSample Now,
    IReadOnlyList<ServerStatsSample> History);
