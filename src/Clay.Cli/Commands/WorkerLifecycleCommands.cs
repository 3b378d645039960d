using System.CommandLine;
using System.Text.Json.Nodes;
using Clay.Cli.Output;
using Clay.Client;
using Clay.Client.Contracts;
using Spectre.Console;

namespace Clay.Cli.Commands;

/// <summary><c>clay worker interrupt|simulate-crash|resume|promise|schedules|cancel-invocation</c>: a worker's life from outside.</summary>
public static class WorkerLifecycleCommands
{
    /// <summary><c>worker interrupt C/W</c>.</summary>
    internal static Command Interrupt()
    {
        var worker = WorkerCommands.WorkerArgument();
        var recover = new Option<bool>("--recover-immediately") { Description = "Rebuild the worker at once instead of leaving it interrupted (as simulate-crash)" };
        var command = new Command("interrupt", "Stop a worker's running invocation at its next effect or wait; it stays Interrupted until resumed") { worker, recover };
        command.SetAction(async (result, ct) =>
        {
            var (component, name) = Targets.Worker(result.GetValue(worker)!);
            using var client = GlobalOptions.Client(result);
            var w = await client.InterruptWorkerAsync(component, name, result.GetValue(recover), ct);
            GlobalOptions.Output(result).Write(w, ClayJsonContext.Default.WorkerDto, o =>
                o.WriteLine($"Interrupted worker {component}/{name} (status {w.Status})."));
            return 0;
        });
        return command;
    }

    /// <summary><c>worker simulate-crash C/W</c>.</summary>
    internal static Command SimulateCrash()
    {
        var worker = WorkerCommands.WorkerArgument();
        var command = new Command("simulate-crash", "Drop a worker from memory mid-invocation and recover it by replay") { worker };
        command.SetAction(async (result, ct) =>
        {
            var (component, name) = Targets.Worker(result.GetValue(worker)!);
            using var client = GlobalOptions.Client(result);
            var w = await client.SimulateCrashAsync(component, name, ct);
            GlobalOptions.Output(result).Write(w, ClayJsonContext.Default.WorkerDto, o =>
                o.WriteLine($"Simulated a crash of worker {component}/{name}; recovered (status {w.Status})."));
            return 0;
        });
        return command;
    }

    /// <summary><c>worker schedules C/W</c>.</summary>
    internal static Command Schedules()
    {
        var worker = WorkerCommands.WorkerArgument();
        var command = new Command("schedules", "List a worker's scheduled invocations, earliest first") { worker };
        command.SetAction(async (result, ct) =>
        {
            var (component, name) = Targets.Worker(result.GetValue(worker)!);
            using var client = GlobalOptions.Client(result);
            var list = await client.GetSchedulesAsync(component, name, ct);
            GlobalOptions.Output(result).Write(list, ClayJsonContext.Default.ScheduleListDto, o =>
            {
                if (list.Schedules.Count == 0)
                {
                    o.WriteLine("No scheduled invocations.");
                    return;
                }
                foreach (var s in list.Schedules)
                {
                    o.WriteLine($"{Show.Time(s.DueAt)}  {s.Function}({string.Join(", ", s.Args)})  key {s.IdempotencyKey}");
                }
            });
            return 0;
        });
        return command;
    }

    /// <summary><c>worker cancel-invocation C/W KEY</c>.</summary>
    internal static Command CancelInvocation()
    {
        var worker = WorkerCommands.WorkerArgument();
        var key = new Argument<string>("idempotency-key") { Description = "The key of the queued or scheduled invocation" };
        var command = new Command("cancel-invocation", "Cancel a queued or scheduled invocation before it starts") { worker, key };
        command.SetAction(async (result, ct) =>
        {
            var (component, name) = Targets.Worker(result.GetValue(worker)!);
            using var client = GlobalOptions.Client(result);
            var cancelled = await client.CancelInvocationAsync(component, name, result.GetValue(key)!, ct);
            GlobalOptions.Output(result).Write(cancelled, ClayJsonContext.Default.CancelledDto, o =>
                o.WriteLine($"Cancelled the invocation with idempotency key {cancelled.IdempotencyKey} on worker {component}/{name}."));
            return 0;
        });
        return command;
    }

    /// <summary><c>worker resume C/W</c>.</summary>
    internal static Command Resume()
    {
        var worker = WorkerCommands.WorkerArgument();
        var command = new Command("resume", "Resume a failed worker: its interrupted invocation is retried from its oplog") { worker };
        command.SetAction(async (result, ct) =>
        {
            var (component, name) = Targets.Worker(result.GetValue(worker)!);
            using var client = GlobalOptions.Client(result);
            var resumed = await client.ResumeWorkerAsync(component, name, ct);
            GlobalOptions.Output(result).Write(resumed, ClayJsonContext.Default.WorkerDto, o =>
                o.WriteLine($"Resumed worker {component}/{name} (status {resumed.Status})."));
            return 0;
        });
        return command;
    }

    /// <summary><c>worker promise complete C/W ID VALUE</c>.</summary>
    internal static Command Promise()
    {
        var worker = WorkerCommands.WorkerArgument();
        var id = new Argument<long>("promise-id") { Description = "The promise's id, as the worker got it from CreatePromise" };
        var value = new Argument<string>("value") { Description = "The value the waiting worker receives (text; JSON for example)" };
        var complete = new Command("complete", "Complete a worker's promise, once; the worker waiting for it goes on") { worker, id, value };
        complete.SetAction(async (result, ct) =>
        {
            var (component, name) = Targets.Worker(result.GetValue(worker)!);
            using var client = GlobalOptions.Client(result);
            var done = await client.CompletePromiseAsync(component, name, result.GetValue(id), result.GetValue(value)!, ct);
            GlobalOptions.Output(result).Write(done, ClayJsonContext.Default.PromiseCompletedDto, o =>
                o.WriteLine($"Completed promise {done.Promise} of worker {component}/{name}."));
            return 0;
        });
        var command = new Command("promise", "Complete the promises workers wait for");
        command.Add(complete);
        return command;
    }
}
