namespace Clay.Server.Hosting;

/// <summary>The exit codes of <c>clay-server</c>; documented in the README.</summary>
public static class ServerExitCodes
{
    /// <summary>Stopped cleanly: every worker stopped, the store closed.</summary>
    public const int Ok = 0;
    /// <summary>The server cannot start as asked: a bad option, its port taken, storage it cannot open.</summary>
    public const int Usage = 2;
    /// <summary>A stop took longer than <c>--shutdown-timeout</c> (worker code that does not return) and the process ended anyway.</summary>
    public const int ForcedStop = 3;
}
