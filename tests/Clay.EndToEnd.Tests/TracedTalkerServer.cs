namespace Clay.EndToEnd.Tests;

/// <summary>
/// The talker's server with traces exported to a local OTLP collector through the standard
/// OpenTelemetry environment variables, and its log written as JSON.
/// </summary>
public sealed class TracedTalkerServer : TalkerServer
{
    public OtlpReceiver Otlp { get; } = new();

    protected override string[] ServerArguments => ["--log-format", "json"];

    protected override void Configure(ServerProcess server)
    {
        server.Environment["OTEL_EXPORTER_OTLP_ENDPOINT"] = Otlp.Url;
        server.Environment["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf";
        // Export every 100 ms rather than every 5 s, so the test sees its spans soon.
        server.Environment["OTEL_BSP_SCHEDULE_DELAY"] = "100";
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        Otlp.Dispose();
    }
}
