namespace Clay.Runtime.Errors;

/// <summary>
/// The base of every error Clay reports. Each carries a stable, kebab-case <see cref="Code"/> that
/// the REST API and the CLI show, so scripts can match on it.
/// </summary>
/// <remarks>
/// The code is kept in <see cref="Exception.Data"/>, which every serializer of exceptions carries
/// (Orleans' among them), so an error thrown behind a grain reaches the caller as a
/// <see cref="ClayException"/> of the same type with the same code and message, in one process or
/// across a cluster.
/// </remarks>
public class ClayException : Exception
{
    private const string CodeKey = "clay-error-code";

    /// <summary>Creates an error with its code and message.</summary>
    public ClayException(string code, string message, Exception? inner = null) : base(message, inner)
    {
        Data[CodeKey] = code;
    }

    /// <summary>The stable error code, for example <c>worker-not-found</c>.</summary>
    public string Code => Data[CodeKey] as string ?? ErrorCodes.Internal;
}
