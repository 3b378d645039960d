using System.CommandLine;
using Clay.Cli;
using Clay.Cli.Commands;

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

var parsed = root.Parse(args);
if (parsed.Errors.Count > 0 && parsed.Action is not System.CommandLine.Help.HelpAction)
{
    foreach (var error in parsed.Errors) Console.Error.WriteLine($"error[invalid-usage]: {error.Message}");
    Console.Error.WriteLine($"Run 'clay {string.Join(' ', parsed.CommandResult.Command.Parents.OfType<Command>().Reverse().Skip(1).Select(c => c.Name).Append(parsed.CommandResult.Command.Name).Where(n => n != root.Name))} --help' for usage.".Replace("clay  --help", "clay --help", StringComparison.Ordinal));
    return ExitCodes.InvalidInput;
}
try
{
    return await parsed.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
}
catch (CliException ex)
{
    Console.Error.WriteLine($"error[{ex.Code}]: {ex.Message}");
    if (ex.Detail is not null) Console.Error.WriteLine(ex.Detail);
    return ex.ExitCode;
}
catch (OperationCanceledException)
{
    Console.Error.WriteLine("error[cancelled]: cancelled");
    return 130;
}
