namespace Clay.LoadClient;

/// <summary>The load client's command line.</summary>
public sealed record LoadOptions
{
    /// <summary>clay or restate.</summary>
    public required string Target { get; init; }

    /// <summary>The server's HTTP address (Clay's API, Restate's ingress).</summary>
    public required string Url { get; init; }

    /// <summary>Components (Clay) or virtual objects (Restate) cart0..cartN-1.</summary>
    public int Components { get; init; } = 10;

    /// <summary>Carts per component.</summary>
    public int Workers { get; init; } = 1000;

    /// <summary>3: initialize-cart and two add-item per cart; 2: initialize-cart and one add-item; 1: one add-item, which creates the cart.</summary>
    public int Calls { get; init; } = 3;

    /// <summary>get-cart-contents on random carts after the spawning phase.</summary>
    public int Random { get; init; } = 10_000;

    /// <summary>Concurrent clients.</summary>
    public int Clients { get; init; } = 64;

    /// <summary>
    /// Carts driven before the clock starts, spread over every component and one extra: each component's
    /// code is loaded (a Clay server's component hosts started) before it is measured.
    /// </summary>
    public int Warmup { get; init; } = 2000;

    /// <summary>
    /// A file to append every call to, one line each: phase, start (ms since the phase began), latency (ms)
    /// its place in its cart's sequence (0 is the call that creates the cart) and its component's number, to find when
    /// and where slow calls happened.
    /// </summary>
    public string? CallsLog { get; init; }

    /// <summary>The processes whose CPU is the server's.</summary>
    public IReadOnlyList<int> ServerPids { get; init; } = [];

    /// <summary>Path of the server's Prometheus metrics, when it has the runtime's allocation counter.</summary>
    public string? MetricsPath { get; init; }

    /// <summary>The value of the Authorization header every request carries (Clay's <c>Bearer TOKEN</c>), or null.</summary>
    public string? Authorization { get; init; }

    /// <summary>Parses <paramref name="args"/>; throws <see cref="ArgumentException"/> naming what is wrong.</summary>
    public static LoadOptions Parse(string[] args)
    {
        string? Get(string name)
        {
            var at = Array.IndexOf(args, name);
            if (at < 0) return null;
            return at + 1 < args.Length ? args[at + 1] : throw new ArgumentException($"{name} needs a value");
        }
        int Int(string name, int fallback) => Get(name) is { } v
            ? int.TryParse(v, out var n) && n >= 0 ? n : throw new ArgumentException($"{name} must be a non-negative integer, not '{v}'")
            : fallback;
        var target = Get("--target") ?? throw new ArgumentException("--target clay|restate is required");
        if (target is not ("clay" or "restate")) throw new ArgumentException($"--target must be clay or restate, not '{target}'");
        return new LoadOptions
        {
            Target = target,
            Url = Get("--url") ?? throw new ArgumentException("--url is required (the server's HTTP address)"),
            Components = Int("--components", 10),
            Workers = Int("--workers", 1000),
            Calls = Math.Clamp(Int("--calls", 3), 1, 3),
            Random = Int("--random", 10_000),
            Clients = Math.Max(1, Int("--clients", 64)),
            Warmup = Int("--warmup", 2000),
            ServerPids = (Get("--server-pids") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse).ToArray(),
            Authorization = Get("--token-file") is { } tokenFile ? "Bearer " + File.ReadAllText(tokenFile).Trim() : null,
            MetricsPath = Get("--metrics") ?? (target == "clay" ? "/metrics" : null),
            CallsLog = Get("--calls-log") is { } callsLog
                ? Directory.Exists(Path.GetDirectoryName(Path.GetFullPath(callsLog)))
                    ? callsLog
                    : throw new ArgumentException($"--calls-log: the folder of '{callsLog}' does not exist")
                : null,
        };
    }
}
