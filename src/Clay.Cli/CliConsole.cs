namespace Clay.Cli;

/// <summary>
/// Where clay writes: the process's stdout and stderr, or writers given to
/// <see cref="ClayCommandLine.RunAsync"/> (tests run commands in-process and capture them).
/// </summary>
public static class CliConsole
{
    private static readonly AsyncLocal<(TextWriter Out, TextWriter Error)?> Override = new();

    /// <summary>Standard output.</summary>
    public static TextWriter Out => Override.Value?.Out ?? Console.Out;

    /// <summary>Standard error: errors and progress.</summary>
    public static TextWriter Error => Override.Value?.Error ?? Console.Error;

    internal static void Redirect(TextWriter output, TextWriter error) => Override.Value = (output, error);
}
