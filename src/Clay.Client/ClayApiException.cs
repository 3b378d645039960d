namespace Clay.Client;

/// <summary>
/// A request the Clay server refused or could not answer. <see cref="Code"/> is the server's
/// stable error code (<c>worker-not-found</c>, <c>invalid-wave-value</c>, …, listed in
/// docs/cli.md), or one of <see cref="ClientErrorCodes"/> when there was no such answer.
/// </summary>
public sealed class ClayApiException : Exception
{
    /// <summary>An error with its code, message and the HTTP status of the answer (null when there was none).</summary>
    public ClayApiException(string code, string message, int? statusCode = null, Exception? innerException = null)
        : base(message, innerException)
    {
        Code = code;
        StatusCode = statusCode;
    }

    /// <summary>The stable error code.</summary>
    public string Code { get; }

    /// <summary>The HTTP status of the server's answer; null when the server did not answer.</summary>
    public int? StatusCode { get; }
}
