using System.CommandLine;
using Clay.Client;

namespace Clay.Cli.Commands;

/// <summary><c>clay worker revert|fork</c>: changing a worker's history from outside.</summary>
public static class WorkerHistoryCommands
{
    /// <summary><c>worker revert C/W --last-oplog-index N | --number-of-invocations N</c>.</summary>
    public static Command Revert()
    {
        var worker = new Argument<string>("worker") { Description = "COMPONENT/WORKER, for example demo:cart0/test" };
        var index = new Option<long?>("--last-oplog-index") { Description = "The last oplog entry the worker keeps; replay skips the later ones" };
        var count = new Option<int?>("--number-of-invocations") { Description = "How many of the worker's latest invocations to undo" };
        var command = new Command("revert", "Take a worker back to an earlier state: the later history stays in its oplog but replay skips it")
        {
            worker, index, count,
        };
        command.SetAction(async (result, ct) =>
        {
            var (component, name) = Targets.Worker(result.GetValue(worker)!);
            var last = result.GetValue(index);
            var invocations = result.GetValue(count);
            if (last is null == invocations is null)
            {
                throw new CliException("invalid-usage", "give exactly one of --last-oplog-index N and --number-of-invocations N", ExitCodes.InvalidInput);
            }
            using var client = GlobalOptions.Client(result);
            var reverted = await client.RevertWorkerAsync(component, name, last, invocations, ct);
            GlobalOptions.Output(result).Write(reverted, ClayJsonContext.Default.WorkerDto, o =>
                o.WriteLine($"Reverted worker {component}/{name} ({(last is { } n ? $"kept oplog entries 1 to {n}" : $"undid {invocations} invocation(s)")}; status {reverted.Status})."));
            return 0;
        });
        return command;
    }

    /// <summary><c>worker update C/W VERSION --mode auto|manual</c>.</summary>
    public static Command Update()
    {
        var worker = new Argument<string>("worker") { Description = "COMPONENT/WORKER, for example demo:cart0/test" };
        var version = new Argument<long>("version") { Description = "The component version to move the worker to" };
        var mode = new Option<string>("--mode")
        {
            Description = "auto: replay the worker's history on the new version; manual: move its state through a snapshot",
            DefaultValueFactory = _ => "auto",
        };
        mode.AcceptOnlyFromAmong("auto", "manual");
        var command = new Command("update", "Move a worker to another version of its component (it stays on its version if that fails)")
        {
            worker, version, mode,
        };
        command.SetAction(async (result, ct) =>
        {
            var (component, name) = Targets.Worker(result.GetValue(worker)!);
            using var client = GlobalOptions.Client(result);
            var updated = await client.UpdateWorkerAsync(component, name, result.GetValue(version), result.GetValue(mode)!, ct);
            GlobalOptions.Output(result).Write(updated, ClayJsonContext.Default.WorkerDto, o =>
                o.WriteLine($"Updated worker {component}/{name} to version {updated.ComponentVersion} ({result.GetValue(mode)}; status {updated.Status})."));
            return 0;
        });
        return command;
    }

    /// <summary><c>worker fork C/SRC C/NEW --oplog-index N</c>.</summary>
    public static Command Fork()
    {
        var source = new Argument<string>("source") { Description = "The worker to fork, COMPONENT/WORKER" };
        var target = new Argument<string>("target") { Description = "The new worker: COMPONENT/WORKER of the same component, or just WORKER" };
        var index = new Option<long>("--oplog-index") { Description = "The last entry of the source's oplog the new worker's history copies", Required = true };
        var command = new Command("fork", "Create a worker whose history is another's up to an oplog index, then its own")
        {
            source, target, index,
        };
        command.SetAction(async (result, ct) =>
        {
            var (component, name) = Targets.Worker(result.GetValue(source)!);
            var to = result.GetValue(target)!;
            var (targetComponent, targetName) = to.Contains('/', StringComparison.Ordinal) ? Targets.Worker(to) : (component, to);
            if (targetComponent != component)
            {
                throw new CliException("fork-across-components",
                    $"cannot fork {component}/{name} into {targetComponent}/{targetName}: a fork runs its source's component, so it must be a worker of {component}",
                    ExitCodes.InvalidInput);
            }
            using var client = GlobalOptions.Client(result);
            var forked = await client.ForkWorkerAsync(component, name, targetName, result.GetValue(index), ct);
            GlobalOptions.Output(result).Write(forked, ClayJsonContext.Default.WorkerDto, o =>
                o.WriteLine($"Forked worker {component}/{name} up to oplog index {result.GetValue(index)} into {component}/{targetName} (status {forked.Status})."));
            return 0;
        });
        return command;
    }
}
