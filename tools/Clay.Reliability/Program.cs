using System.Globalization;
using System.Text.Json;
using Clay.Reliability;
using Clay.Reliability.Cluster;

// clay crash harness: dotnet run --project tools/Clay.Reliability -c Release -- [--cycles 100] [--clients 16] [--seed N]
//   [--power-loss [--no-settle]] [--unsafe-synchronous normal|off]
// cluster failover: dotnet run --project tools/Clay.Reliability -c Release -- cluster --postgres URL [--nodes 3] [--clients 9] [--seed N]
if (args.Length > 0 && args[0] == "cluster") return await ClusterMain.RunAsync(args[1..]);

var options = new CrashOptions();
for (var i = 0; i < args.Length; i++)
{
    string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
    options = args[i] switch
    {
        "--cycles" => options with { Cycles = int.Parse(Value(), CultureInfo.InvariantCulture) },
        "--clients" => options with { Clients = int.Parse(Value(), CultureInfo.InvariantCulture) },
        "--seed" => options with { Seed = int.Parse(Value(), CultureInfo.InvariantCulture) },
        "--power-loss" => options with { PowerLoss = true },
        "--no-settle" => options with { SettleAfterDeploy = false },
        "--unsafe-synchronous" => options with { UnsafeSynchronous = Value() },
        _ => throw new ArgumentException(
            $"unknown option {args[i]}; options: --cycles N, --clients N, --seed N, --power-loss, --no-settle, --unsafe-synchronous normal|off"),
    };
}

Console.WriteLine($"crash harness: {options.Cycles} cycles, {options.Clients} clients × {options.WorkersPerClient} ledgers, seed {options.Seed}"
    + (options.PowerLoss ? ", every stop a power cut" : "") + (options.UnsafeSynchronous is { } s ? $", UNSAFE synchronous={s}" : ""));
var report = await CrashHarness.RunAsync(options);
var kills = report.Kills;
Console.WriteLine($"  cycles {report.Cycles} in {report.Elapsed.TotalSeconds:F0} s: SIGKILL under load {kills.UnderLoad}, during start-up {kills.DuringStartUp}, "
    + $"during recovery {kills.DuringRecovery}; SIGTERM {kills.Terminated}");
Console.WriteLine($"  invocations acknowledged {report.Acknowledged:N0}, lost {report.Lost}, duplicated {report.Duplicated}, "
    + $"unexpected (unsent, refused or unanswered) {report.Unexpected}, out of order {report.OutOfOrder}");
Console.WriteLine($"  retried with the same key {report.Retried:N0}; failed workers {report.FailedWorkers}");
Console.WriteLine($"  charges acknowledged {report.ChargesAcknowledged:N0}, external calls {report.ChargeCalls:N0}, repeated {report.ChargesRepeated}, cut by a crash (outcome unknown, not repeated) {report.ChargesUnknown}");
if (report.PowerCut is { } cut) Console.WriteLine($"  {cut}");
foreach (var violation in report.Violations.Take(20)) Console.WriteLine($"  VIOLATION {violation}");
Console.WriteLine(JsonSerializer.Serialize(new
{
    scenario = options.PowerLoss ? "power-loss" : "crash",
    unsafe_synchronous = options.UnsafeSynchronous,
    cycles = report.Cycles,
    seed = report.Seed,
    kills_under_load = kills.UnderLoad,
    kills_during_start_up = kills.DuringStartUp,
    kills_during_recovery = kills.DuringRecovery,
    terminated = kills.Terminated,
    acknowledged = report.Acknowledged,
    lost = report.Lost,
    duplicated = report.Duplicated,
    unexpected = report.Unexpected,
    out_of_order = report.OutOfOrder,
    retried = report.Retried,
    charges_acknowledged = report.ChargesAcknowledged,
    charge_calls = report.ChargeCalls,
    charges_repeated = report.ChargesRepeated,
    charges_unknown = report.ChargesUnknown,
    failed_workers = report.FailedWorkers,
    writes_undone = report.PowerCut?.WritesUndone,
    bytes_undone = report.PowerCut?.BytesRestored,
    entries_undone = report.PowerCut?.EntriesUndone,
    violations = report.Violations.Count,
    seconds = Math.Round(report.Elapsed.TotalSeconds, 1),
}));
return report.Passed ? 0 : 1;
