using Clay.Runtime.Errors;

namespace Clay.Runtime.Components;

/// <summary>A component that Clay cannot run, with every problem found, each naming the member and the type.</summary>
public sealed class ComponentValidationException(string code, IReadOnlyList<string> problems)
    : ClayException(code, problems.Count == 1 ? problems[0] : $"{problems.Count} problems:{Environment.NewLine}  " + string.Join(Environment.NewLine + "  ", problems))
{
    /// <summary>Each problem, one line each.</summary>
    public IReadOnlyList<string> Problems { get; } = problems;
}

/// <summary>Arguments that do not fit a function's signature.</summary>
public sealed class InvalidArgumentsException(string message) : ClayException(ErrorCodes.InvalidArguments, message);

/// <summary>A value of the wrong shape for a type; the caller adds which argument it was.</summary>
internal sealed class ValueMismatchException(string message) : Exception(message);
