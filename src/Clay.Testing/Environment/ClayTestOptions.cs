using Microsoft.Extensions.Logging;

namespace Clay.Testing.Environment;

/// <summary>How a <see cref="ClayTestEnvironment"/> is set up.</summary>
public sealed record ClayTestOptions
{
    /// <summary>The time the environment's clock starts at (default 2026-01-01T00:00:00Z, the same in every run).</summary>
    public DateTimeOffset StartTime { get; init; } = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>
    /// The component name of the worker class <c>StartAsync&lt;TWorker&gt;</c> registers; by default
    /// its class name in kebab case (<c>ShoppingCart</c> → <c>shopping-cart</c>).
    /// </summary>
    public string? ComponentName { get; init; }

    /// <summary>More components the workers under test call, by component name.</summary>
    public IReadOnlyDictionary<string, Type> Components { get; init; } = new Dictionary<string, Type>(StringComparer.Ordinal);

    /// <summary>Where the executor's diagnostics and the workers' log lines go (nowhere by default).</summary>
    public ILoggerFactory? LoggerFactory { get; init; }

    /// <summary>The handler the workers' durable <see cref="HttpClient"/> sends through (real sockets by default); a fake one keeps a test offline.</summary>
    public Func<HttpMessageHandler>? HttpHandlerFactory { get; init; }

    /// <summary>
    /// How long <see cref="ClayTestEnvironment.SettleAsync"/> waits (in real time) for the workers to
    /// finish what they can do without time moving, before it fails naming the busy ones.
    /// </summary>
    public TimeSpan SettleTimeout { get; init; } = TimeSpan.FromSeconds(30);
}
