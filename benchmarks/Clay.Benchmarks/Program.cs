using System.Reflection;
using BenchmarkDotNet.Running;
using Clay.Benchmarks;

// Usage:
//   dotnet run -c Release --project benchmarks/Clay.Benchmarks -- list
//   dotnet run -c Release --project benchmarks/Clay.Benchmarks -- <scenario> [options]   (custom load scenarios)
//   dotnet run -c Release --project benchmarks/Clay.Benchmarks -- micro [BenchmarkDotNet args]
var scenarios = typeof(Program).Assembly.GetTypes()
    .Where(t => typeof(IScenario).IsAssignableFrom(t) && t is { IsAbstract: false, IsInterface: false })
    .Select(t => (IScenario)Activator.CreateInstance(t)!)
    .OrderBy(s => s.Name, StringComparer.Ordinal)
    .ToList();

if (args.Length == 0 || args[0] is "list" or "--help" or "-h")
{
    Console.WriteLine("scenarios:");
    foreach (var s in scenarios) Console.WriteLine($"  {s.Name,-20} {s.Description}");
    Console.WriteLine("  micro                BenchmarkDotNet micro benchmarks (pass BenchmarkDotNet arguments after it)");
    return 0;
}

if (args[0] == "micro")
{
    BenchmarkSwitcher.FromAssembly(Assembly.GetExecutingAssembly()).Run(args[1..]);
    return 0;
}

var scenario = scenarios.FirstOrDefault(s => s.Name == args[0]);
if (scenario is null)
{
    Console.Error.WriteLine($"unknown scenario '{args[0]}'; run with 'list' to see them");
    return 2;
}
return await scenario.RunAsync(args[1..]);
