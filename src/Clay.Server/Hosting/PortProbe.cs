using System.Net;
using System.Net.Sockets;
using Clay.Runtime.Errors;

namespace Clay.Server.Hosting;

/// <summary>Checks that the server's port is free before anything starts, so a taken port is one clear line, not a failed start-up.</summary>
internal static class PortProbe
{
    /// <summary>Throws <c>port-in-use</c> when <paramref name="port"/> on <paramref name="address"/> cannot be listened on.</summary>
    public static void EnsureFree(IPAddress address, int port)
    {
        if (port == 0) return;
        var probe = new TcpListener(address, port);
        try
        {
            probe.Start();
        }
        catch (SocketException ex) when (ex.SocketErrorCode == SocketError.AddressAlreadyInUse)
        {
            throw InUse(address, port);
        }
        finally
        {
            probe.Stop();
        }
    }

    /// <summary>The error for a taken port.</summary>
    public static ClayException InUse(IPAddress address, int port) => new(ServerErrorCodes.PortInUse,
        $"port {port} on {address} is already in use (another Clay server?): stop it, or start this one on another port with --port N");
}
