using System.CommandLine;
using System.CommandLine.Help;
using Clay.Cli.Commands;
using Clay.Client;

namespace Clay.Cli;

/// <summary>The clay command tree and its error handling: one line <c>error[code]: message</c> on stderr and a stable exit code.</summary>
public static class ClayCommandLine
{
    /// <summary>Builds the command tree.</summary>
    public static RootCommand Build()
    {
        var root = new RootCommand("clay: durable workers for .NET. Start a server with 'clay server run'.")
        {
            GlobalOptions.Format,
            GlobalOptions.Server,
        };
        root.Add(ServerCommands.Create());
        root.Add(AppCommands.Create());
        root.Add(ComponentCommands.Create());
        root.Add(WorkerCommands.Create());
        root.Add(ProfileCommands.Create());
        root.Add(CompletionCommand.Create());
        return root;
    }

    /// <summary>Runs one command line and returns its exit code; output goes to the given writers when set.</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter? output = null, TextWriter? error = null, CancellationToken cancellationToken = default)
    {
        if (output is not null && error is not null) CliConsole.Redirect(output, error);
        var root = Build();
        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0 && parsed.Action is not HelpAction)
        {
            foreach (var problem in parsed.Errors.Select(e => e.Message).Distinct()) CliConsole.Error.WriteLine($"error[invalid-usage]: {problem}");
            var path = string.Join(' ', Path(parsed.CommandResult.Command).Prepend("clay"));
            CliConsole.Error.WriteLine($"Run '{path} --help' for usage.");
            return ExitCodes.InvalidInput;
        }
        try
        {
            return await parsed.InvokeAsync(new InvocationConfiguration
            {
                EnableDefaultExceptionHandler = false,
                Output = CliConsole.Out,
                Error = CliConsole.Error,
            }, cancellationToken);
        }
        catch (CliException ex)
        {
            return Report(ex);
        }
        catch (ClayApiException ex)
        {
            return Report(CliException.From(ex));
        }
        catch (OperationCanceledException)
        {
            CliConsole.Error.WriteLine("error[cancelled]: cancelled");
            return 130;
        }
    }

    private static int Report(CliException error)
    {
        CliConsole.Error.WriteLine($"error[{error.Code}]: {error.Message}");
        if (error.Detail is not null) CliConsole.Error.WriteLine(error.Detail);
        return error.ExitCode;
    }

    private static IEnumerable<string> Path(Command command)
    {
        var names = new List<string>();
        for (Symbol? s = command; s is Command c && s is not RootCommand; s = c.Parents.FirstOrDefault()) names.Insert(0, c.Name);
        return names;
    }
}
