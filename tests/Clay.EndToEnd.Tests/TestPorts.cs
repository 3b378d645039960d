namespace Clay.EndToEnd.Tests;

/// <summary>TCP ports for the servers the tests start, outside the kernel's ephemeral range (see <see cref="Clay.Reliability.LoopbackPorts"/>).</summary>
internal static class TestPorts
{
    /// <summary>A port free on the loopback interface now, outside the ephemeral range.</summary>
    public static int Free() => Clay.Reliability.LoopbackPorts.Free();
}
