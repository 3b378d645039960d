using Clay.Client;

namespace Clay.Cli;

/// <summary>The process exit codes of <c>clay</c>; documented in docs/cli.md.</summary>
public static class ExitCodes
{
    /// <summary>Success.</summary>
    public const int Ok = 0;
    /// <summary>The server reported a failure (the invocation failed, the worker failed, …).</summary>
    public const int Failed = 1;
    /// <summary>Bad input: usage, names, WAVE, arguments, filters, queries, packages.</summary>
    public const int InvalidInput = 2;
    /// <summary>No such component, worker or function.</summary>
    public const int NotFound = 3;
    /// <summary>The server cannot be reached.</summary>
    public const int Unreachable = 4;
    /// <summary>Building a component failed.</summary>
    public const int BuildFailed = 5;
    /// <summary>The server refused the request: no valid access token, or a request it does not take from where it came.</summary>
    public const int Unauthorized = 6;
    /// <summary>The server went away after the request was sent: what it did is unknown (an invocation can be asked again with its key).</summary>
    public const int Disconnected = 7;
}

/// <summary>An error <c>clay</c> reports in one line with its code and exits with <see cref="ExitCode"/>.</summary>
public sealed class CliException(string code, string message, int exitCode, string? detail = null) : Exception(message)
{
    /// <summary>The stable error code (the server's, or one of the CLI's own).</summary>
    public string Code { get; } = code;

    /// <summary>The process exit code.</summary>
    public int ExitCode { get; } = exitCode;

    /// <summary>More lines to show after the error (a compiler's output, the expected signature).</summary>
    public string? Detail { get; } = detail;

    /// <summary>The CLI's report of an error of the server (or of reaching it).</summary>
    public static CliException From(ClayApiException error) => error.Code switch
    {
        ClientErrorCodes.ServerUnreachable => new(error.Code, error.Message + "; start it with 'clay server run' or pass --server URL", ExitCodes.Unreachable),
        ClientErrorCodes.ServerDisconnected => new(error.Code, error.Message + ": whether the request took effect is unknown", ExitCodes.Disconnected),
        _ => new(error.Code, error.Message, ExitCodeOf(error.Code)),
    };

    /// <summary>The exit code that fits a server error code: one per kind of error (<see cref="ErrorTable"/>).</summary>
    // No default arm: a new kind without an exit code is a compiler error (CS8509); values outside the enum cannot come from the table.
#pragma warning disable CS8524
    public static int ExitCodeOf(string code) => ErrorTable.KindOf(code) switch
    {
        ErrorKind.Failed => ExitCodes.Failed,
        ErrorKind.InvalidInput => ExitCodes.InvalidInput,
        ErrorKind.NotFound => ExitCodes.NotFound,
        ErrorKind.Unauthorized => ExitCodes.Unauthorized,
        ErrorKind.Unreachable => ExitCodes.Unreachable,
    };
#pragma warning restore CS8524
}
