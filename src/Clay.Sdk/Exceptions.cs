namespace Clay.Sdk;

/// <summary>
/// Thrown by worker code, or by an effect, to say that a failure is transient: the durable context
/// retries the effect according to its <see cref="RetryPolicy"/>.
/// </summary>
public class TransientException : Exception
{
    /// <summary>Creates the exception.</summary>
    public TransientException(string message) : base(message) { }

    /// <summary>Creates the exception with its cause.</summary>
    public TransientException(string message, Exception inner) : base(message, inner) { }
}

/// <summary>
/// An external effect was started before a crash and nothing recorded how it ended. Clay does not
/// run a non-idempotent effect twice, so the worker code decides what to do.
/// </summary>
public sealed class EffectOutcomeUnknownException : Exception
{
    /// <summary>Creates the exception for the named effect.</summary>
    public EffectOutcomeUnknownException(string effectName)
        : base($"the outcome of effect '{effectName}' is unknown: it was started before a crash and never recorded as finished")
    {
        EffectName = effectName;
    }

    /// <summary>The effect whose outcome is unknown.</summary>
    public string EffectName { get; }
}

/// <summary>
/// A recorded effect failed permanently. During replay the failure is served from the oplog as
/// this exception, carrying the original exception's type name and message.
/// </summary>
public sealed class EffectFailedException : Exception
{
    /// <summary>Creates the exception.</summary>
    public EffectFailedException(string effectName, string exceptionType, string message)
        : base(message)
    {
        EffectName = effectName;
        ExceptionType = exceptionType;
    }

    /// <summary>The effect that failed.</summary>
    public string EffectName { get; }

    /// <summary>The full name of the original exception's type.</summary>
    public string ExceptionType { get; }
}

/// <summary>A call to another worker was refused or could not be made; <see cref="Code"/> says why.</summary>
public sealed class WorkerCallException : Exception
{
    /// <summary>Creates the exception.</summary>
    public WorkerCallException(string code, string message)
        : base(message)
    {
        Code = code;
    }

    /// <summary>The stable error code, for example <c>call-cycle</c> or <c>function-not-found</c>.</summary>
    public string Code { get; }
}
