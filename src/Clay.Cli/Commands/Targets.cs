namespace Clay.Cli.Commands;

/// <summary>Parses <c>COMPONENT/WORKER</c>.</summary>
public static class Targets
{
    /// <summary>Splits <c>demo:cart0/test</c> into its component and worker.</summary>
    public static (string Component, string Worker) Worker(string target)
    {
        var slash = target.LastIndexOf('/');
        if (slash <= 0 || slash == target.Length - 1)
            throw new CliException("invalid-name", $"'{target}' does not name a worker: write COMPONENT/WORKER, for example demo:cart0/test", ExitCodes.InvalidInput);
        return (target[..slash], target[(slash + 1)..]);
    }
}
