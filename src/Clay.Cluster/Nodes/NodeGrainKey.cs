namespace Clay.Cluster.Nodes;

/// <summary>The key of a node's <see cref="INodeGrain"/>: its silo address in Orleans' parsable form.</summary>
public static class NodeGrainKey
{
    /// <summary>The key of the node at <paramref name="silo"/>.</summary>
    public static string Of(SiloAddress silo)
    {
        ArgumentNullException.ThrowIfNull(silo);
        return silo.ToParsableString();
    }

    /// <summary>The silo of a key.</summary>
    public static SiloAddress Parse(string key) => SiloAddress.FromParsableString(key);
}
