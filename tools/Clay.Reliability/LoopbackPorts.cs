using System.Net;
using System.Net.Sockets;

namespace Clay.Reliability;

/// <summary>
/// TCP ports for the servers that tests and tools start. Taken below the kernel's ephemeral range
/// (32768 and up on Linux), from which every server picks its own internal ports (its silo's) and the
/// kernel its outgoing ones: a port chosen here and bound a moment later cannot have been handed to
/// one of them meanwhile, as one the kernel chose from that range could.
/// </summary>
/// <remarks>
/// A process hands its ports out in turn from a random starting point, so two servers it has not
/// started yet (the nodes of a cluster, chosen before the first binds) never get the same one; a
/// port is still checked free before it is handed out, for the other processes on the machine.
/// </remarks>
public static class LoopbackPorts
{
    private const int First = 20_000;
    private const int Count = 12_000;

    private static int _next = Random.Shared.Next(Count);

    /// <summary>A port free on the loopback interface now, outside the ephemeral range, not handed out before by this process.</summary>
    public static int Free()
    {
        while (true)
        {
            var port = First + (int)((uint)Interlocked.Increment(ref _next) % Count);
            try
            {
                using var socket = new TcpListener(IPAddress.Loopback, port);
                socket.Start();
                return port;
            }
            catch (SocketException)
            {
                // Taken: try the next one.
            }
        }
    }
}
