namespace Clay.Reliability.Cluster;

/// <summary>How the cluster failover harness runs.</summary>
public sealed record ClusterOptions
{
    /// <summary>The PostgreSQL server (a URL whose user may create databases); the harness makes a database of its own there and drops it after.</summary>
    public required string PostgresUrl { get; init; }

    /// <summary>
    /// The directory the nodes' data directories go in (a new temporary one when null); the nodes share
    /// its <c>home</c>, where each notes its token for a <c>clay</c> run with that HOME.
    /// </summary>
    public string? Root { get; init; }

    /// <summary>Nodes in the cluster.</summary>
    public int Nodes { get; init; } = 3;

    /// <summary>Concurrent clients; client <c>c</c> talks first to node <c>c mod Nodes</c>.</summary>
    public int Clients { get; init; } = 9;

    /// <summary>Ledgers per client.</summary>
    public int WorkersPerClient { get; init; } = 2;

    /// <summary>Invocations acknowledged before the kill, and again after it before the killed node is restarted.</summary>
    public int AcknowledgedPerPhase { get; init; } = 60;

    /// <summary>The fraction of operations that are charges (an external HTTP effect).</summary>
    public double ChargeShare { get; init; } = 0.15;

    /// <summary>Seed of the random choices.</summary>
    public int Seed { get; init; } = Environment.TickCount;

    /// <summary>Where the published clay-server is.</summary>
    public string BinDirectory { get; init; } = ClayServerProcess.FindBin();

    /// <summary>Extra options for every node.</summary>
    public IReadOnlyList<string> NodeArguments { get; init; } = ["--snapshot-every", "20"];

    /// <summary>
    /// Called once the survivors have declared the killed node dead and carry the load, before it is
    /// restarted: with the survivors' REST addresses and the killed node's.
    /// </summary>
    public Func<IReadOnlyList<Uri>, Uri, Task>? AfterFailover { get; init; }

    /// <summary>Progress lines.</summary>
    public Action<string> Log { get; init; } = Console.WriteLine;
}
