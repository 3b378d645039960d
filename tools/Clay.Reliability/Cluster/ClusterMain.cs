using System.Globalization;
using System.Text.Json;

namespace Clay.Reliability.Cluster;

/// <summary>The <c>cluster</c> command of the harness: parses its options, runs <see cref="ClusterHarness"/>, prints the report.</summary>
internal static class ClusterMain
{
    public static async Task<int> RunAsync(string[] args)
    {
        var postgres = Environment.GetEnvironmentVariable("CLAY_TEST_POSTGRES");
        var (nodes, clients, seed) = (3, 9, Environment.TickCount);
        for (var i = 0; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--postgres": postgres = Value(); break;
                case "--nodes": nodes = int.Parse(Value(), CultureInfo.InvariantCulture); break;
                case "--clients": clients = int.Parse(Value(), CultureInfo.InvariantCulture); break;
                case "--seed": seed = int.Parse(Value(), CultureInfo.InvariantCulture); break;
                default: throw new ArgumentException($"unknown option {args[i]}; options: --postgres URL, --nodes N, --clients N, --seed N");
            }
        }
        if (string.IsNullOrEmpty(postgres)) throw new ArgumentException("--postgres URL (or CLAY_TEST_POSTGRES) is needed: scripts/postgres.sh start prints one");
        Console.WriteLine($"cluster failover harness: {nodes} nodes, {clients} clients");
        var report = await ClusterHarness.RunAsync(new ClusterOptions { PostgresUrl = postgres, Nodes = nodes, Clients = clients, Seed = seed });
        Console.WriteLine($"  acknowledged {report.Acknowledged:N0} (by node: {string.Join(", ", report.AcknowledgedByNode)}), lost {report.Lost}, "
            + $"duplicated {report.Duplicated}, unexpected {report.Unexpected}, retried {report.Retried}, charges repeated {report.ChargesRepeated}");
        Console.WriteLine($"  killed node had {report.ResidentOnVictim} workers resident; declared dead after {report.DeclaredDeadAfter.TotalSeconds:F1} s; "
            + $"load back after {report.FailoverTime.TotalSeconds:F1} s; {report.AcknowledgedByRejoined} acknowledged by it after it rejoined");
        foreach (var violation in report.Violations.Take(20)) Console.WriteLine($"  VIOLATION {violation}");
        Console.WriteLine(JsonSerializer.Serialize(new
        {
            scenario = "cluster-failover",
            nodes,
            seed = report.Seed,
            acknowledged = report.Acknowledged,
            lost = report.Lost,
            duplicated = report.Duplicated,
            unexpected = report.Unexpected,
            retried = report.Retried,
            resident_on_killed = report.ResidentOnVictim,
            declared_dead_seconds = Math.Round(report.DeclaredDeadAfter.TotalSeconds, 1),
            failover_seconds = Math.Round(report.FailoverTime.TotalSeconds, 1),
            violations = report.Violations.Count,
            seconds = Math.Round(report.Elapsed.TotalSeconds, 1),
        }));
        return report.Passed ? 0 : 1;
    }
}
