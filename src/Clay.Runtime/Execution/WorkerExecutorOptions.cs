using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Clay.Runtime.Execution;

/// <summary>Settings shared by the workers of one executor.</summary>
public sealed record WorkerExecutorOptions
{
    /// <summary>The clock for timestamps, durable time and retry backoff (fake it in tests).</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>Where worker log lines and executor diagnostics go.</summary>
    public ILoggerFactory LoggerFactory { get; init; } = NullLoggerFactory.Instance;

    /// <summary>The handler the durable <see cref="HttpClient"/> sends real requests through.</summary>
    public Func<HttpMessageHandler> HttpHandlerFactory { get; init; } = static () => new SocketsHttpHandler();

    /// <summary>Receives every durable log line written live (not on replay).</summary>
    public Action<WorkerId, Oplog.OplogEntry.Log>? LogSink { get; init; }
}
