using Clay.Runtime.Errors;
using Clay.Runtime.Values;

namespace Clay.Runtime.Execution;

/// <summary>The result of a completed invocation.</summary>
/// <param name="IdempotencyKey">The key the invocation ran under.</param>
/// <param name="FunctionName">The exported function.</param>
/// <param name="Result">The returned value, or null for a unit result.</param>
public sealed record InvocationResult(string IdempotencyKey, string FunctionName, Value? Result);

/// <summary>The exported function threw. The worker keeps running; replay reproduces the same failure.</summary>
public sealed class InvocationFailedException(string functionName, string exceptionType, string exceptionMessage)
    : ClayException(ErrorCodes.InvocationFailed, $"invocation of {functionName} failed: {exceptionType}: {exceptionMessage}")
{
    /// <summary>The exported function.</summary>
    public string FunctionName { get; } = functionName;

    /// <summary>Full name of the exception's type.</summary>
    public string ExceptionType { get; } = exceptionType;

    /// <summary>The exception's message.</summary>
    public string ExceptionMessage { get; } = exceptionMessage;
}

/// <summary>An invocation's outcome: the result or the failure.</summary>
internal sealed record InvocationOutcome(string IdempotencyKey, string FunctionName, Value? Result, string? ExceptionType, string? ExceptionMessage)
{
    /// <summary>Where the invocation is in the oplog (default while it is not recorded); set once, by the executor that recorded it, before anyone else sees the outcome.</summary>
    public CompletedInvocation Recorded { get; set; }

    /// <summary>The recorded failure type of an invocation whose result was over the size limit.</summary>
    public const string ResultTooLargeType = "Clay.ResultTooLarge";

    public InvocationResult ToResult() => ExceptionType switch
    {
        null => new InvocationResult(IdempotencyKey, FunctionName, Result),
        ResultTooLargeType => throw new ClayException(ErrorCodes.ResultTooLarge, ExceptionMessage ?? ""),
        _ => throw new InvocationFailedException(FunctionName, ExceptionType, ExceptionMessage ?? ""),
    };
}
