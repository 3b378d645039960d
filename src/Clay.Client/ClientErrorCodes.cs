namespace Clay.Client;

/// <summary>The error codes <see cref="ClayClient"/> reports itself, when the server gave no error of its own.</summary>
public static class ClientErrorCodes
{
    /// <summary>The server could not be reached: nothing listens there, or the name does not resolve.</summary>
    public const string ServerUnreachable = "server-unreachable";

    /// <summary>
    /// The connection broke after the request was sent and before the answer came (the server
    /// stopped or died): what the request did is unknown.
    /// </summary>
    public const string ServerDisconnected = "server-disconnected";

    /// <summary>The server has no such route (404 without a Clay error): probably not a Clay server.</summary>
    public const string NotFound = "not-found";

    /// <summary>The server answered with an error that is not a Clay error, or with a body that is not the expected JSON.</summary>
    public const string ServerError = "server-error";

    /// <summary>A live stream (a worker's log lines) lost its server, which did not come back within the reconnect timeout.</summary>
    public const string StreamLost = "stream-lost";
}
