namespace Clay.Runtime.Errors;

/// <summary>
/// The base of every error Clay reports. Each carries a stable, kebab-case <see cref="Code"/> that
/// the REST API and the CLI show, so scripts can match on it.
/// </summary>
public class ClayException : Exception
{
    /// <summary>Creates an error with its code and message.</summary>
    public ClayException(string code, string message, Exception? inner = null) : base(message, inner)
    {
        Code = code;
    }

    /// <summary>The stable error code, for example <c>worker-not-found</c>.</summary>
    public string Code { get; }
}
