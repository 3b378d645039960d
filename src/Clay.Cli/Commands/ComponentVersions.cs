namespace Clay.Cli.Commands;

/// <summary>The component version a command names: after the component's name, as in Golem, or with <c>--version</c>.</summary>
public static class ComponentVersions
{
    /// <summary>The version asked for, or null for the latest.</summary>
    /// <exception cref="CliException"><c>invalid-usage</c>: two different versions.</exception>
    public static long? Of(long? positional, long? option)
    {
        if (positional is { } a && option is { } b && a != b)
        {
            throw new CliException("invalid-usage", $"two versions given ({a} and --version {b}): name one", ExitCodes.InvalidInput);
        }
        return positional ?? option;
    }
}
