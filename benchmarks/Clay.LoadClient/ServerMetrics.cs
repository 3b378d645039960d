namespace Clay.LoadClient;

/// <summary>Names of the figures read from a server's Prometheus /metrics.</summary>
public static class ServerMetrics
{
    /// <summary>The .NET runtime's System.Runtime meter, dotnet.gc.heap.total_allocated, as Prometheus names it.</summary>
    public const string AllocatedBytes = "dotnet_gc_heap_total_allocated_bytes_total";

    /// <summary>What a Clay server's component hosts allocated (Clay's clay.component_hosts.allocated), as Prometheus names it.</summary>
    public const string HostsAllocatedBytes = "clay_component_hosts_allocated_bytes_total";
}
