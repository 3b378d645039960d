namespace Clay.Server;

/// <summary>Error codes that only the server produces. Never change a published one.</summary>
public static class ServerErrorCodes
{
    /// <summary>The uploaded package exceeds the size limit.</summary>
    public const string PackageTooLarge = "package-too-large";
    /// <summary>The upload is not a valid component package.</summary>
    public const string InvalidPackage = "invalid-package";
    /// <summary>A request body (other than a package upload) exceeds the size limit.</summary>
    public const string RequestTooLarge = "request-too-large";
    /// <summary>The request body is malformed.</summary>
    public const string InvalidRequest = "invalid-request";
    /// <summary>No such route.</summary>
    public const string NotFound = "not-found";
    /// <summary>An unexpected failure inside the server.</summary>
    public const string Internal = Runtime.Errors.ErrorCodes.Internal;
    /// <summary>The request lacks a valid token.</summary>
    public const string Unauthorized = "unauthorized";
    /// <summary>The worker is running an invocation and cannot be evicted now.</summary>
    public const string WorkerBusy = "worker-busy";
}
