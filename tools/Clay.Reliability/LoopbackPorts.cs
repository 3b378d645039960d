using System.Net;
using System.Net.Sockets;

namespace Clay.Reliability;

/// <summary>
/// TCP ports for the servers that tests and tools start. Taken below the kernel's ephemeral range
/// (32768 and up on Linux), from which every server picks its own internal ports (its silo's) and the
/// kernel its outgoing ones: a port chosen here and bound a moment later cannot have been handed to
/// one of them meanwhile, as one the kernel chose from that range could.
/// </summary>
public static class LoopbackPorts
{
    private const int First = 20_000;
    private const int Count = 12_000;

    /// <summary>A port free on the loopback interface now, outside the ephemeral range.</summary>
    public static int Free()
    {
        while (true)
        {
            var port = First + Random.Shared.Next(Count);
            try
            {
                using var socket = new TcpListener(IPAddress.Loopback, port);
                socket.Start();
                return port;
            }
            catch (SocketException)
            {
                // Taken: try another.
            }
        }
    }
}
