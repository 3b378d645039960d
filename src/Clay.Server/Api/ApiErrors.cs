using Clay.Client;
using Clay.Runtime.Errors;

namespace Clay.Server.Api;

/// <summary>Error responses: the code, its message, and the HTTP status <see cref="ErrorTable"/> gives it.</summary>
public static class ApiErrors
{
    /// <summary>The HTTP status for an error code, from the one table of codes (<see cref="ErrorTable"/>).</summary>
    public static int StatusOf(string code) => ErrorTable.HttpStatusOf(code);

    /// <summary>An error result.</summary>
    public static IResult Result(string code, string message) =>
        Results.Json(new ApiErrorBody(new ApiError(code, message)), statusCode: StatusOf(code));

    /// <summary>An error result for a Clay exception.</summary>
    public static IResult Result(ClayException error) => Result(error.Code, error.Message);
}
