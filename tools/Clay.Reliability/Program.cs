using System.Globalization;
using System.Text.Json;
using Clay.Reliability;

// clay crash harness: dotnet run --project tools/Clay.Reliability -c Release -- [--cycles 100] [--clients 16] [--seed N]
var options = new CrashOptions();
for (var i = 0; i + 1 < args.Length; i += 2)
{
    var value = int.Parse(args[i + 1], CultureInfo.InvariantCulture);
    options = args[i] switch
    {
        "--cycles" => options with { Cycles = value },
        "--clients" => options with { Clients = value },
        "--seed" => options with { Seed = value },
        _ => throw new ArgumentException($"unknown option {args[i]}; options: --cycles N, --clients N, --seed N"),
    };
}

Console.WriteLine($"crash harness: {options.Cycles} cycles, {options.Clients} clients × {options.WorkersPerClient} ledgers, seed {options.Seed}");
var report = await CrashHarness.RunAsync(options);
Console.WriteLine($"  cycles {report.Cycles} (every {options.TerminateEvery}th by SIGTERM, the rest by SIGKILL) in {report.Elapsed.TotalSeconds:F0} s");
Console.WriteLine($"  invocations acknowledged {report.Acknowledged:N0}, lost {report.Lost}, duplicated {report.Duplicated}, applied without acknowledgement {report.AppliedWithoutAck}");
Console.WriteLine($"  retried with the same key {report.Retried:N0}; failed workers {report.FailedWorkers}");
Console.WriteLine($"  charges acknowledged {report.ChargesAcknowledged:N0}, external calls {report.ChargeCalls:N0}, repeated {report.ChargesRepeated}, cut by a crash (outcome unknown, not repeated) {report.ChargesUnknown}");
foreach (var violation in report.Violations.Take(20)) Console.WriteLine($"  VIOLATION {violation}");
Console.WriteLine(JsonSerializer.Serialize(new
{
    scenario = "crash",
    cycles = report.Cycles,
    seed = report.Seed,
    acknowledged = report.Acknowledged,
    lost = report.Lost,
    duplicated = report.Duplicated,
    applied_without_ack = report.AppliedWithoutAck,
    retried = report.Retried,
    charges_acknowledged = report.ChargesAcknowledged,
    charge_calls = report.ChargeCalls,
    charges_repeated = report.ChargesRepeated,
    charges_unknown = report.ChargesUnknown,
    failed_workers = report.FailedWorkers,
    seconds = Math.Round(report.Elapsed.TotalSeconds, 1),
}));
return report.Passed ? 0 : 1;
