namespace Clay.Cli.Commands;

/// <summary>A new worker's start-up arguments: given after the worker, as in Golem, or with <c>--arg</c>.</summary>
public static class StartupArguments
{
    /// <summary>The arguments; one way of giving them, not both, so their order is never a guess.</summary>
    /// <exception cref="CliException"><c>invalid-usage</c>: both ways were used.</exception>
    public static IReadOnlyList<string> Of(string[]? positional, string[]? options)
    {
        if (positional is { Length: > 0 } && options is { Length: > 0 })
        {
            throw new CliException("invalid-usage",
                "give the start-up arguments either after the worker or with --arg, not both (their order would be a guess)", ExitCodes.InvalidInput);
        }
        return positional is { Length: > 0 } ? positional : options ?? [];
    }
}
