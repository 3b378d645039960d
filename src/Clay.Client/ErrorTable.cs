namespace Clay.Client;

/// <summary>What an error code tells the person who typed the command; <c>clay</c> has one exit code per kind.</summary>
public enum ErrorKind
{
    /// <summary>The request was understood and failed (the function threw, the worker is failed, the server is busy, …).</summary>
    Failed,

    /// <summary>The request itself is wrong: usage, names, WAVE, arguments, filters, queries, packages.</summary>
    InvalidInput,

    /// <summary>No such component, worker, function, promise or invocation.</summary>
    NotFound,

    /// <summary>No valid access token.</summary>
    Unauthorized,

    /// <summary>The server cannot be reached.</summary>
    Unreachable,
}

/// <summary>One error code: the HTTP status the server answers with (null for the client's own codes) and its kind.</summary>
/// <param name="Code">The stable error code.</param>
/// <param name="HttpStatus">The HTTP status of a response carrying it; null when only the client reports it.</param>
/// <param name="Kind">What it tells the user, which chooses <c>clay</c>'s exit code.</param>
public sealed record ErrorRow(string Code, int? HttpStatus, ErrorKind Kind);

/// <summary>
/// Every error code Clay's API and client report, with its HTTP status and kind: the one table the
/// server answers from and <c>clay</c> chooses its exit code from. A test checks that every code
/// the server, the runtime and the client define has its row here (docs/errors.md prints it).
/// </summary>
public static class ErrorTable
{
    /// <summary>The rows, in the order docs/errors.md lists them.</summary>
    public static IReadOnlyList<ErrorRow> Rows { get; } =
    [
        new("invalid-request", 400, ErrorKind.InvalidInput),
        new("invalid-arguments", 400, ErrorKind.InvalidInput),
        new("invalid-wave-value", 400, ErrorKind.InvalidInput),
        new("invalid-json-value", 400, ErrorKind.InvalidInput),
        new("invalid-name", 400, ErrorKind.InvalidInput),
        new("invalid-worker-filter", 400, ErrorKind.InvalidInput),
        new("invalid-oplog-query", 400, ErrorKind.InvalidInput),
        new("invalid-component", 400, ErrorKind.InvalidInput),
        new("invalid-package", 400, ErrorKind.InvalidInput),
        new("forbidden-api", 400, ErrorKind.InvalidInput),
        new("unsupported-type", 400, ErrorKind.InvalidInput),
        new("oplog-index-out-of-range", 400, ErrorKind.InvalidInput),
        new("invocation-count-out-of-range", 400, ErrorKind.InvalidInput),
        new("revert-inside-invocation", 400, ErrorKind.InvalidInput),
        new("fork-across-components", 400, ErrorKind.InvalidInput),
        new("update-same-version", 400, ErrorKind.InvalidInput),
        new("invalid-update-mode", 400, ErrorKind.InvalidInput),
        new("unauthorized", 401, ErrorKind.Unauthorized),
        new("forbidden-host", 403, ErrorKind.Unauthorized),
        new("forbidden-origin", 403, ErrorKind.Unauthorized),
        new("not-found", 404, ErrorKind.NotFound),
        new("component-not-found", 404, ErrorKind.NotFound),
        new("worker-not-found", 404, ErrorKind.NotFound),
        new("function-not-found", 404, ErrorKind.NotFound),
        new("promise-not-found", 404, ErrorKind.NotFound),
        new("invocation-not-found", 404, ErrorKind.NotFound),
        new("update-version-not-found", 404, ErrorKind.NotFound),
        new("worker-already-exists", 409, ErrorKind.InvalidInput),
        new("worker-busy", 409, ErrorKind.Failed),
        new("worker-failed", 409, ErrorKind.Failed),
        new("worker-exited", 409, ErrorKind.Failed),
        new("worker-interrupted", 409, ErrorKind.Failed),
        new("worker-not-resumable", 409, ErrorKind.Failed),
        new("too-many-workers", 409, ErrorKind.Failed),
        new("oplog-conflict", 409, ErrorKind.Failed),
        new("nondeterminism-detected", 409, ErrorKind.Failed),
        new("promise-already-completed", 409, ErrorKind.Failed),
        new("invocation-not-cancellable", 409, ErrorKind.Failed),
        new("invocation-abandoned", 409, ErrorKind.Failed),
        new("update-failed", 409, ErrorKind.Failed),
        new("call-cycle", 409, ErrorKind.Failed),
        new("component-in-use", 409, ErrorKind.Failed),
        new("package-too-large", 413, ErrorKind.InvalidInput),
        new("request-too-large", 413, ErrorKind.InvalidInput),
        new("package-unpacked-too-large", 413, ErrorKind.InvalidInput),
        new("package-too-many-entries", 413, ErrorKind.InvalidInput),
        new("manifest-too-large", 413, ErrorKind.InvalidInput),
        new("argument-too-large", 413, ErrorKind.InvalidInput),
        new("oplog-entry-too-large", 413, ErrorKind.Failed),
        new("invocation-failed", 422, ErrorKind.Failed),
        new("result-too-large", 422, ErrorKind.Failed),
        new("too-many-pending", 429, ErrorKind.Failed),
        new("internal-error", 500, ErrorKind.Failed),
        new("oplog-corrupt", 500, ErrorKind.Failed),
        new("storage-unavailable", 503, ErrorKind.Failed),
        new("cancelled", 503, ErrorKind.Failed),
        new("component-crashed", 503, ErrorKind.Failed),
        new("component-quarantined", 503, ErrorKind.Failed),
        new("invocation-timeout", 504, ErrorKind.Failed),
        new("invocation-suspended", 202, ErrorKind.Failed),
        new(ClientErrorCodes.ServerUnreachable, null, ErrorKind.Unreachable),
        new(ClientErrorCodes.ServerDisconnected, null, ErrorKind.Failed),
        new("port-in-use", null, ErrorKind.InvalidInput),
        new(ClientErrorCodes.ServerError, null, ErrorKind.Failed),
        new(ClientErrorCodes.StreamLost, null, ErrorKind.Unreachable),
    ];

    private static readonly Dictionary<string, ErrorRow> ByCode = Rows.ToDictionary(r => r.Code, StringComparer.Ordinal);

    /// <summary>The row of <paramref name="code"/>, or null for a code the table does not know.</summary>
    public static ErrorRow? Find(string code) => ByCode.GetValueOrDefault(code);

    /// <summary>The HTTP status for <paramref name="code"/>: 500 for a code without one, which a test keeps from happening.</summary>
    public static int HttpStatusOf(string code) => Find(code)?.HttpStatus ?? 500;

    /// <summary>The kind of <paramref name="code"/>: <see cref="ErrorKind.Failed"/> for a code the table does not know (a newer server's).</summary>
    public static ErrorKind KindOf(string code) => Find(code)?.Kind ?? ErrorKind.Failed;
}
