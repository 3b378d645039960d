using Clay.Runtime;

namespace Clay.Cluster.Workers;

/// <summary>The grain key of a worker: <c>component/worker</c>. Component names never contain '/'.</summary>
public static class WorkerGrainKey
{
    /// <summary>The key of <paramref name="worker"/>.</summary>
    public static string Of(WorkerId worker) => $"{worker.Component}/{worker.Worker}";

    /// <summary>The worker of a key.</summary>
    public static WorkerId Parse(string key)
    {
        var slash = key.IndexOf('/', StringComparison.Ordinal);
        return new WorkerId(key[..slash], key[(slash + 1)..]);
    }
}
