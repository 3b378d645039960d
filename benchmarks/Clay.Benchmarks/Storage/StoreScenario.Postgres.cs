using System.Diagnostics;
using System.Text.Json;
using Clay.Storage.Postgres;
using Npgsql;

namespace Clay.Benchmarks.Storage;

public sealed partial class StoreScenario
{
    /// <summary>
    /// The PostgreSQL store on a schema of its own (dropped afterwards). The floor is a one-row
    /// autocommit INSERT on the same server: one round trip and one WAL flush, what any durable
    /// write to PostgreSQL costs.
    /// </summary>
    private async Task<int> RunPostgresAsync(string[] args, TimeSpan duration)
    {
        var url = PostgresUrl(args);
        var schema = "bench_" + Guid.NewGuid().ToString("N")[..12];
        var settings = PostgresConnectionString.Parse(url);
        await using var admin = new NpgsqlConnection(settings.ConnectionString);
        await admin.OpenAsync();
        try
        {
            var payload = Payload();
            var floor = await RawInsertAsync(admin, schema, payload, samples: 300);
            var connections = Execution.ExecutorScenario.Arg(args, "--connections", new PostgresStoreOptions { ConnectionString = url }.WriterConnections);
            await using var store = await PostgresOplogStore.OpenAsync(new PostgresStoreOptions { ConnectionString = url, Schema = schema, WriterConnections = connections });
            var run = await MeasureAsync(store, store.Statistics, payload, duration);
            var statistics = store.Statistics;
            Console.WriteLine($"store: PostgreSQL at {PostgresConnectionString.Describe(settings)} ({await ServerVersionAsync(admin)}), synchronous_commit=on, group commit on {connections} connection(s); 120-byte entries");
            Console.WriteLine($"  one-row INSERT, autocommit p50 {floor.P50:F3} ms  p99 {floor.P99:F3} ms");
            run.Print("INSERT p50", floor.P50, "the two round trips and the commit", statistics);
            Console.WriteLine(JsonSerializer.Serialize(new
            {
                scenario = Name,
                store = "postgres",
                writer_connections = connections,
                insert_p50_ms = Math.Round(floor.P50, 4), insert_p99_ms = Math.Round(floor.P99, 4),
                append_p50_ms = Math.Round(run.Lone.P50, 4), append_p99_ms = Math.Round(run.Lone.P99, 4),
                append_to_insert_p50_ratio = Math.Round(run.Lone.P50 / floor.P50, 3),
                entries_per_second_1 = Math.Round(run.Throughput[1]), entries_per_second_10 = Math.Round(run.Throughput[10]),
                entries_per_second_1000 = Math.Round(run.Throughput[1000]),
                commits = statistics.Commits, entries_per_commit = Math.Round(statistics.Entries / (double)Math.Max(1, statistics.Commits), 1),
            }));
            return 0;
        }
        finally
        {
            await using var drop = new NpgsqlCommand($"DROP SCHEMA IF EXISTS {schema} CASCADE", admin);
            await drop.ExecuteNonQueryAsync();
        }
    }

    /// <summary>The URL after --postgres, or CLAY_TEST_POSTGRES, or the one scripts/postgres.sh wrote.</summary>
    private static string PostgresUrl(string[] args)
    {
        var at = Array.IndexOf(args, "--postgres");
        if (at + 1 < args.Length && !args[at + 1].StartsWith("--", StringComparison.Ordinal)) return args[at + 1];
        var fromEnvironment = Environment.GetEnvironmentVariable("CLAY_TEST_POSTGRES");
        if (!string.IsNullOrWhiteSpace(fromEnvironment)) return fromEnvironment;
        for (var dir = new DirectoryInfo(Environment.CurrentDirectory); dir is not null; dir = dir.Parent)
        {
            var file = Path.Combine(dir.FullName, "artifacts", "postgres", "url");
            if (File.Exists(file)) return File.ReadAllText(file).Trim();
        }
        throw new InvalidOperationException("no PostgreSQL server: pass --postgres URL, set CLAY_TEST_POSTGRES, or run scripts/postgres.sh start");
    }

    private static async Task<(double P50, double P99)> RawInsertAsync(NpgsqlConnection connection, string schema, byte[] payload, int samples)
    {
        await using (var create = new NpgsqlCommand($"CREATE SCHEMA {schema}; CREATE TABLE {schema}.floor (id bigint PRIMARY KEY, payload bytea NOT NULL)", connection))
        {
            await create.ExecuteNonQueryAsync();
        }
        await using var insert = new NpgsqlCommand($"INSERT INTO {schema}.floor (id, payload) VALUES ($1, $2)", connection);
        var id = new NpgsqlParameter<long>();
        insert.Parameters.Add(id);
        insert.Parameters.Add(new NpgsqlParameter<byte[]> { TypedValue = payload });
        await insert.PrepareAsync();
        var latencies = new double[samples];
        for (var i = 0; i < samples; i++)
        {
            id.TypedValue = i;
            var started = Stopwatch.GetTimestamp();
            await insert.ExecuteNonQueryAsync();
            latencies[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        }
        return Percentiles.MedianAnd99(latencies);
    }

    private static async Task<string> ServerVersionAsync(NpgsqlConnection connection)
    {
        await using var version = new NpgsqlCommand("SHOW server_version", connection);
        return "PostgreSQL " + (string)(await version.ExecuteScalarAsync())!;
    }
}
