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
    /// <summary>The server refused the request: no valid access token.</summary>
    public const int Unauthorized = 6;
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
    public static CliException From(ClayApiException error) => error.Code == ClientErrorCodes.ServerUnreachable
        ? new(error.Code, error.Message + "; start it with 'clay server run' or pass --server URL", ExitCodes.Unreachable)
        : new(error.Code, error.Message, ExitCodeOf(error.Code));

    /// <summary>The exit code that fits a server error code.</summary>
    public static int ExitCodeOf(string code) => code switch
    {
        "worker-not-found" or "component-not-found" or "function-not-found" or "promise-not-found" or "invocation-not-found" or "not-found" => ExitCodes.NotFound,
        "invalid-wave-value" or "invalid-json-value" or "invalid-arguments" or "invalid-name" or "invalid-request" or "invalid-worker-filter"
            or "invalid-oplog-query" or "invalid-component" or "invalid-package" or "unsupported-type" or "package-too-large"
            or "worker-already-exists" or "argument-too-large" or "request-too-large" or "oplog-index-out-of-range"
            or "invocation-count-out-of-range" or "revert-inside-invocation" or "fork-across-components" => ExitCodes.InvalidInput,
        "unauthorized" => ExitCodes.Unauthorized,
        _ => ExitCodes.Failed,
    };
}
