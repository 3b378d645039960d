namespace Clay.Testing.Replay;

/// <summary>Thrown by <see cref="ReplayResult.EnsureDeterministic"/>: the code did not replay its recorded history.</summary>
public sealed class ReplayMismatchException : Exception
{
    /// <summary>An exception for <paramref name="result"/>.</summary>
    public ReplayMismatchException(ReplayResult result)
        : base(Describe(result), result?.Failure)
    {
        Result = result!;
    }

    /// <summary>The replay's result.</summary>
    public ReplayResult Result { get; }

    private static string Describe(ReplayResult? result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return result.Divergence is { } divergence
            ? $"{result.Worker}: {divergence}"
            : $"{result.Worker}: the replay failed: {result.Failure?.Message}";
    }
}
