namespace Clay.Server.Stats;

/// <summary><c>GET /v1/server/stats</c>: resident workers, memory against the budget, evictions and invocation rates, with a short history.</summary>
public static class StatsEndpoint
{
    /// <summary>Maps the route.</summary>
    public static void MapStatsEndpoint(this IEndpointRouteBuilder app) =>
        app.MapGet("/v1/server/stats", (ServerStatsRecorder recorder) => recorder.Read());
}
