namespace Clay.Server;

/// <summary>Error codes that only the server produces. Never change a published one.</summary>
public static class ServerErrorCodes
{
    /// <summary>The uploaded package exceeds the size limit.</summary>
    public const string PackageTooLarge = "package-too-large";
    /// <summary>The package inflates beyond the limit on its unpacked size, in total or in one entry.</summary>
    public const string PackageUnpackedTooLarge = "package-unpacked-too-large";
    /// <summary>The package holds more entries than the limit.</summary>
    public const string PackageTooManyEntries = "package-too-many-entries";
    /// <summary>The package's manifest exceeds its size limit.</summary>
    public const string ManifestTooLarge = "manifest-too-large";
    /// <summary>The upload is not a valid component package.</summary>
    public const string InvalidPackage = "invalid-package";
    /// <summary>The component's code calls an API a component must not call (process exit, processes, native code, code generation).</summary>
    public const string ForbiddenApi = "forbidden-api";
    /// <summary>The component version to delete is used by workers (and the delete was not forced).</summary>
    public const string ComponentInUse = "component-in-use";
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
    /// <summary>The request's <c>Host</c> is not a name of this server (DNS rebinding).</summary>
    public const string ForbiddenHost = "forbidden-host";
    /// <summary>The request comes from a web page of another origin (cross-site request).</summary>
    public const string ForbiddenOrigin = "forbidden-origin";
    /// <summary>The worker is running an invocation and cannot be evicted now.</summary>
    public const string WorkerBusy = "worker-busy";
    /// <summary>The component host running the worker ended (crashed) during the call; the outcome of an invocation is unknown, retry with its key.</summary>
    public const string ComponentCrashed = "component-crashed";
    /// <summary>The component's host kept crashing: its workers take no calls until a fixed version is deployed.</summary>
    public const string ComponentQuarantined = "component-quarantined";
    /// <summary>The server cannot listen: its port is taken (reported at start-up, not over HTTP).</summary>
    public const string PortInUse = "port-in-use";
}
