using System.Text.Json;
using Clay.LoadClient;

// clay-load: the shopping-cart seed workload against a running server, from a process of its own.
//   clay-load --target clay|restate --url URL[,URL…] [--components 10 --workers 1000 --calls 3|1 --random 10000
//             --clients 64 --warmup 2000 --server-pids PID,PID --metrics /metrics --calls-log PATH]
// A server's CPU and memory are those of the processes named and of every process they started.
// Prints a readable summary and, last, one JSON line with the figures of each phase.
LoadOptions options;
try
{
    options = LoadOptions.Parse(args);
}
catch (ArgumentException ex)
{
    Console.Error.WriteLine($"error[invalid-arguments]: {ex.Message}");
    return 2;
}

ITargetDialect dialect = options.Target == "clay" ? new ClayDialect() : new RestateDialect();
using var runner = new LoadRunner(options.Url, dialect, options.Clients, options.ServerPids, options.MetricsPath, options.Authorization)
{
    CallsLog = options.CallsLog,
};
var started = System.Diagnostics.Stopwatch.StartNew();
// Each phase is announced on standard error as it ends, with the time since start: a profile of one
// phase can be taken while the next runs. Standard output keeps the summary and its JSON line.
void Ended(PhaseResult phase) => Console.Error.WriteLine($"[{started.Elapsed.TotalSeconds,7:F1} s] {phase}");
var warmup = await runner.RunAsync("warm-up", Workload.Spawn(options, warmup: true), CancellationToken.None);
Ended(warmup);
var spawn = await runner.RunAsync("spawn", Workload.Spawn(options, warmup: false), CancellationToken.None);
Ended(spawn);
var reads = await runner.RunAsync("reads", Workload.Reads(options), CancellationToken.None);
Ended(reads);
var all = Workload.Combine("all", spawn, reads);
// A server's processes are the ones named and those they started (a Clay server's component hosts).
var serverProcesses = ProcessCpu.Tree(options.ServerPids);
var peakRss = serverProcesses.Sum(pid => ProcessCpu.StatusBytes(pid, "VmHWM"));
var rss = serverProcesses.Sum(pid => ProcessCpu.StatusBytes(pid, "VmRSS"));

Console.WriteLine($"{options.Target}: {options.Components} × {options.Workers} carts, {options.Calls} calls each, {options.Random} random reads, "
    + $"{options.Clients} clients, after {options.Warmup} warm-up carts");
foreach (var phase in new[] { warmup, spawn, reads, all }) Console.WriteLine($"  {phase}");
Console.WriteLine($"  server RSS {rss / 1048576.0:F0} MiB, peak {peakRss / 1048576.0:F0} MiB (sum over its processes)");
if (runner.FirstFailure is { } failure) Console.WriteLine($"  first failure: {failure}");
Console.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object?>
{
    ["target"] = options.Target,
    ["components"] = options.Components, ["workers"] = options.Workers, ["calls"] = options.Calls,
    ["random"] = options.Random, ["clients"] = options.Clients, ["warmup"] = options.Warmup,
    ["spawn"] = spawn.ToJson(), ["reads"] = reads.ToJson(), ["all"] = all.ToJson(),
    ["server_rss_bytes"] = rss, ["server_peak_rss_bytes"] = peakRss,
}));
return spawn.Failed + spawn.WrongAnswers + reads.Failed + reads.WrongAnswers == 0 ? 0 : 1;
