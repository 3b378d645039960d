using Clay.Runtime;

namespace Clay.Cluster.Workers;

/// <summary>The grain key of a worker: <c>component/worker</c>. Component names never contain '/'.</summary>
public static class WorkerGrainKey
{
    /// <summary>The key of <paramref name="worker"/>.</summary>
    public static string Of(WorkerId worker) => $"{worker.Component}/{worker.Worker}";

    /// <summary>
    /// The key of <paramref name="worker"/> as Orleans keeps it (the UTF-8 bytes of <see cref="Of"/>),
    /// made without the key's text: a grain reference per call then costs no string.
    /// </summary>
    public static IdSpan Span(WorkerId worker)
    {
        var utf8 = System.Text.Encoding.UTF8;
        var component = utf8.GetByteCount(worker.Component);
        var bytes = new byte[component + 1 + utf8.GetByteCount(worker.Worker)];
        utf8.GetBytes(worker.Component, bytes);
        bytes[component] = (byte)'/';
        utf8.GetBytes(worker.Worker, bytes.AsSpan(component + 1));
        return new IdSpan(bytes);
    }

    /// <summary>The worker of a key.</summary>
    public static WorkerId Parse(string key)
    {
        var slash = key.IndexOf('/', StringComparison.Ordinal);
        return new WorkerId(key[..slash], key[(slash + 1)..]);
    }
}
