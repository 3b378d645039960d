using Clay.Runtime.Errors;

namespace Clay.Storage.Sqlite;

/// <summary>How the store syncs its commits (SQLite's <c>PRAGMA synchronous</c> in WAL mode).</summary>
public enum SqliteSynchronous
{
    /// <summary>The WAL is synced at every commit: an acknowledged commit survives a power cut. The default.</summary>
    Full,

    /// <summary>UNSAFE, for tests: the WAL is synced only at checkpoints; commits since the last one are lost on a power cut.</summary>
    Normal,

    /// <summary>UNSAFE, for tests: nothing is ever synced.</summary>
    Off,
}

/// <summary>Reads the unsafe test override of <see cref="SqliteStoreOptions.Synchronous"/>.</summary>
public static class SqliteSynchronousSetting
{
    /// <summary>The environment variable that lowers the setting for tests that must show its effect.</summary>
    public const string EnvironmentVariable = "CLAY_UNSAFE_SQLITE_SYNCHRONOUS";

    /// <summary><see cref="SqliteSynchronous.Full"/> unless <see cref="EnvironmentVariable"/> says <c>normal</c> or <c>off</c>.</summary>
    /// <exception cref="ClayException"><c>storage-unavailable</c> when the variable holds anything else.</exception>
    public static SqliteSynchronous FromEnvironment() => System.Environment.GetEnvironmentVariable(EnvironmentVariable) switch
    {
        null or "" or "full" => SqliteSynchronous.Full,
        "normal" => SqliteSynchronous.Normal,
        "off" => SqliteSynchronous.Off,
        var other => throw new ClayException(ErrorCodes.StorageUnavailable, $"{EnvironmentVariable}={other} is not a setting: use full, normal or off"),
    };
}
