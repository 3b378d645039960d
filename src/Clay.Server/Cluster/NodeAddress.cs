using System.Net;
using System.Net.Sockets;

namespace Clay.Server.Cluster;

/// <summary>Where a node listens for the other nodes, and the address it tells them.</summary>
internal static class NodeAddress
{
    /// <summary>
    /// The local address of the route to the database server: the interface the other nodes, which
    /// reach the same database, most likely reach this one through. Loopback when the database is
    /// on this machine, so several nodes on one machine need no configuration.
    /// </summary>
    public static IPAddress TowardsDatabase(string host, int port)
    {
        if (host.StartsWith('/')) return IPAddress.Loopback; // a Unix socket: the database is local
        var target = IPAddress.TryParse(host, out var literal)
            ? literal
            : Dns.GetHostAddresses(host).OrderBy(a => a.AddressFamily == AddressFamily.InterNetwork ? 0 : 1).First();
        if (IPAddress.IsLoopback(target)) return target.AddressFamily == AddressFamily.InterNetwork ? IPAddress.Loopback : IPAddress.IPv6Loopback;
        // Connecting a UDP socket sends nothing: it only asks the kernel which interface routes there.
        using var socket = new Socket(target.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        socket.Connect(target, port);
        return ((IPEndPoint)socket.LocalEndPoint!).Address;
    }

    /// <summary>
    /// A TCP port free on <paramref name="on"/> now, other than <paramref name="taken"/>: ports this
    /// process will bind itself but has not bound yet (the REST port, a port already picked) are
    /// free to the kernel too, and it may hand one of them out again.
    /// </summary>
    public static int FreePort(IPAddress on, params ReadOnlySpan<int> taken)
    {
        while (true)
        {
            using var socket = new TcpListener(on, 0);
            socket.Start();
            var port = ((IPEndPoint)socket.LocalEndpoint).Port;
            if (!taken.Contains(port)) return port;
        }
    }
}
