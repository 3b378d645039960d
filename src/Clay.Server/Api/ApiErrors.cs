using Clay.Runtime.Errors;

namespace Clay.Server.Api;

/// <summary>Maps error codes to HTTP statuses.</summary>
public static class ApiErrors
{
    /// <summary>The HTTP status for an error code.</summary>
    public static int StatusOf(string code) => code switch
    {
        ErrorCodes.WorkerNotFound or ErrorCodes.ComponentNotFound or ErrorCodes.FunctionNotFound or ErrorCodes.PromiseNotFound or ErrorCodes.InvocationNotFound or ServerErrorCodes.NotFound => 404,
        ErrorCodes.WorkerAlreadyExists or ServerErrorCodes.WorkerBusy or ErrorCodes.OplogConflict or ErrorCodes.WorkerFailed or ErrorCodes.WorkerExited
            or ErrorCodes.NondeterminismDetected or ErrorCodes.PromiseAlreadyCompleted or ErrorCodes.WorkerNotResumable or ErrorCodes.CallCycle
            or ErrorCodes.WorkerInterrupted or ErrorCodes.InvocationNotCancellable or ErrorCodes.InvocationAbandoned => 409,
        ServerErrorCodes.PackageTooLarge or ServerErrorCodes.RequestTooLarge or ErrorCodes.ArgumentTooLarge or ErrorCodes.OplogEntryTooLarge => 413,
        ErrorCodes.TooManyPending => 429,
        ErrorCodes.TooManyWorkers => 409,
        ErrorCodes.InvocationTimeout => 504,
        ErrorCodes.InvocationSuspended => 202,
        ErrorCodes.ResultTooLarge => 422,
        ErrorCodes.InvocationFailed => 422,
        ServerErrorCodes.Unauthorized => 401,
        ErrorCodes.StorageUnavailable or ErrorCodes.Cancelled => 503,
        ServerErrorCodes.Internal or ErrorCodes.OplogCorrupt => 500,
        _ => 400,
    };

    /// <summary>An error result.</summary>
    public static IResult Result(string code, string message) =>
        Results.Json(new ApiErrorBody(new ApiError(code, message)), statusCode: StatusOf(code));

    /// <summary>An error result for a Clay exception.</summary>
    public static IResult Result(ClayException error) => Result(error.Code, error.Message);
}
