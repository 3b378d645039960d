using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Clay.Reliability;
using Microsoft.Data.Sqlite;
using Xunit.Abstractions;

namespace Clay.EndToEnd.Tests;

/// <summary>
/// Damaged storage: flipped bytes and a deleted snapshot entry are reported by <c>clay-server verify</c>
/// and by the affected workers themselves, while every other worker is served intact; a WAL cut at a
/// random offset leaves every worker at a consistent prefix of its history, never wrong state.
/// </summary>
[Trait("Category", "EndToEnd")]
public sealed class StorageDamageTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string Component = "damage:ledger";
    private readonly string _root = Path.Combine(Path.GetTempPath(), "clay-e2e", Guid.NewGuid().ToString("N"));

    private string Data => Path.Combine(_root, "data");

    private string Database => Path.Combine(Data, "oplog.db");

    public Task InitializeAsync()
    {
        ClayInstallation.EnsurePublished();
        return Task.CompletedTask;
    }

    public Task DisposeAsync()
    {
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { }
        return Task.CompletedTask;
    }

    [Fact]
    public async Task A_flipped_byte_and_a_deleted_snapshot_are_reported_and_only_their_workers_refuse_to_serve()
    {
        var expected = Enumerable.Range(1, 20).Select(i => $"e{i}").ToArray();
        await using (var server = new ClayServerProcess(ClayInstallation.BinDirectory, Data, "--snapshot-every", "6"))
        {
            await server.StartAsync(TimeSpan.FromSeconds(180));
            using var http = server.CreateHttpClient();
            await server.DeployLedgerAsync(http, Component);
            await Task.WhenAll(Enumerable.Range(1, 5).Select(async w =>
            {
                foreach (var entry in expected) await InvokeAsync(http, $"w{w}", "add", JsonSerializer.Serialize(entry));
            }));
            Assert.Equal(0, await server.TerminateAsync(TimeSpan.FromSeconds(60)));
        }

        long snapshotIndex;
        using (var db = Open())
        {
            using (var flip = db.CreateCommand())
            {
                flip.CommandText = "SELECT payload FROM entries WHERE worker = (SELECT id FROM workers WHERE name = 'w2') AND idx = 3";
                var payload = (byte[])flip.ExecuteScalar()!;
                payload[payload.Length / 2] ^= 0x40;
                flip.CommandText = "UPDATE entries SET payload = $p WHERE worker = (SELECT id FROM workers WHERE name = 'w2') AND idx = 3";
                flip.Parameters.AddWithValue("$p", payload);
                Assert.Equal(1, flip.ExecuteNonQuery());
            }
            // A row whose payload is not even binary data (w5, entry 2).
            Execute(db, "UPDATE entries SET payload = 'not an entry' WHERE worker = (SELECT id FROM workers WHERE name = 'w5') AND idx = 2");
            snapshotIndex = Scalar(db, "SELECT MIN(idx) FROM entries WHERE worker = (SELECT id FROM workers WHERE name = 'w4') AND hex(substr(payload, 2, 1)) = '10'");
            Execute(db, $"DELETE FROM entries WHERE worker = (SELECT id FROM workers WHERE name = 'w4') AND idx = {snapshotIndex}");
        }

        var (code, report) = await VerifyAsync();
        Assert.Equal(1, code);
        Assert.Contains($"damaged {Component}/w2: entry 3: checksum mismatch", report);
        Assert.Contains($"damaged {Component}/w4: entry {snapshotIndex}: the entry is missing", report);
        Assert.Contains($"damaged {Component}/w5: entry 2: the row does not hold a checksum and binary data", report);
        Assert.DoesNotContain("/w1:", report);
        Assert.Contains("3 workers damaged", report);

        await using var restarted = new ClayServerProcess(ClayInstallation.BinDirectory, Data);
        await restarted.StartAsync(TimeSpan.FromSeconds(180));
        using var client = restarted.CreateHttpClient();
        foreach (var healthy in new[] { "w1", "w3" })
        {
            Assert.Equal(expected, await EntriesAsync(client, healthy));
        }
        var w2 = await FailureAsync(client, "w2");
        var w4 = await FailureAsync(client, "w4");
        Assert.Equal("oplog-corrupt", w2.Code);
        Assert.Contains("index 3: checksum mismatch", w2.Message);
        Assert.Equal("oplog-corrupt", w4.Code);
        Assert.Contains($"index {snapshotIndex}: the entry is missing", w4.Message);
        Assert.Equal("oplog-corrupt", (await FailureAsync(client, "w5")).Code);
    }

    [Fact]
    public async Task A_wal_cut_at_a_random_offset_keeps_every_commit_that_ended_before_the_cut()
    {
        var seed = Environment.TickCount;
        output.WriteLine($"seed {seed}");
        var wal = Database + "-wal";
        var sent = new Dictionary<string, List<string>>();
        // Where the WAL's frames ended once each invocation was acknowledged: its commits end at or before it.
        var committedBy = new List<(string Worker, int Count, long WalEnd)>();
        await using (var server = new ClayServerProcess(ClayInstallation.BinDirectory, Data))
        {
            await server.StartAsync(TimeSpan.FromSeconds(180));
            using var http = server.CreateHttpClient();
            await server.DeployLedgerAsync(http, Component);
            for (var w = 1; w <= 4; w++) sent[$"w{w}"] = [];
            // One invocation at a time, so nothing else is in the WAL when its end is read.
            for (var i = 1; i <= 40; i++)
            {
                foreach (var (worker, sequence) in sent)
                {
                    var entry = $"{worker}-{i}";
                    sequence.Add(entry);
                    await InvokeAsync(http, worker, "add", JsonSerializer.Serialize(entry));
                    committedBy.Add((worker, sequence.Count, Clay.Storage.Sqlite.WalFile.FramesEnd(wal)));
                }
            }
            await server.KillAsync();
        }
        // Only the frames written since the log was laid out are worth cutting: the rest is zeros.
        var length = Clay.Storage.Sqlite.WalFile.FramesEnd(wal);
        Assert.True(length >= committedBy[^1].WalEnd, $"the WAL shrank from {committedBy[^1].WalEnd} to {length} bytes of frames");
        var cut = new Random(seed).NextInt64(32, length);
        using (var file = new FileStream(wal, FileMode.Open, FileAccess.Write)) file.SetLength(cut);
        var mustSurvive = sent.Keys.ToDictionary(w => w, w => committedBy.Where(c => c.Worker == w && c.WalEnd <= cut).Select(c => c.Count).DefaultIfEmpty(0).Max());
        output.WriteLine($"WAL cut from {length} to {cut} bytes; acknowledged before the cut: {string.Join(", ", mustSurvive.Select(p => $"{p.Key} {p.Value}"))}");

        await using var restarted = new ClayServerProcess(ClayInstallation.BinDirectory, Data);
        await restarted.StartAsync(TimeSpan.FromSeconds(180));
        using var client = restarted.CreateHttpClient();
        foreach (var (worker, sequence) in sent)
        {
            // Read without creating: the invoke endpoint would create a worker that the cut wiped out.
            if (!await ExistsAsync(client, worker))
            {
                Assert.True(mustSurvive[worker] == 0, $"{worker} is gone, but {mustSurvive[worker]} of its invocations were committed before the cut");
                continue;
            }
            var entries = await EntriesAsync(client, worker);
            // What survives is the history up to some point — in order, without gaps, duplicates or
            // strangers — and that point is no earlier than the last commit that ended before the cut.
            Assert.Equal(sequence.Take(entries.Count), entries);
            Assert.True(entries.Count >= mustSurvive[worker], $"{worker} kept {entries.Count} entries; {mustSurvive[worker]} were committed before the cut");
        }
        Assert.True(mustSurvive.Values.Sum() < sent.Values.Sum(s => s.Count), "the cut fell after the last commit: nothing was at stake");
    }

    [Fact]
    public async Task A_database_cut_short_stops_the_server_clearly_and_salvage_rebuilds_consistent_prefixes()
    {
        var expected = Enumerable.Range(1, 20).Select(i => $"e{i}-{new string('x', 100)}").ToArray();
        await using (var server = new ClayServerProcess(ClayInstallation.BinDirectory, Data))
        {
            await server.StartAsync(TimeSpan.FromSeconds(180));
            using var http = server.CreateHttpClient();
            await server.DeployLedgerAsync(http, Component);
            await Task.WhenAll(Enumerable.Range(1, 30).Select(async w =>
            {
                foreach (var entry in expected) await InvokeAsync(http, $"w{w}", "add", JsonSerializer.Serialize(entry));
            }));
            Assert.Equal(0, await server.TerminateAsync(TimeSpan.FromSeconds(60)));
        }
        Assert.False(File.Exists(Database + "-wal"), "a clean stop leaves no WAL behind");
        var before = LastIndexes(Database);
        var seed = Environment.TickCount;
        var length = new FileInfo(Database).Length;
        var cut = length * new Random(seed).Next(40, 80) / 100;
        using (var file = new FileStream(Database, FileMode.Open, FileAccess.Write)) file.SetLength(cut);
        output.WriteLine($"seed {seed}: database cut from {length} to {cut} bytes");

        await using var refused = new ClayServerProcess(ClayInstallation.BinDirectory, Data);
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => refused.StartAsync(TimeSpan.FromSeconds(180)));
        Assert.Contains("storage-unavailable", error.Message);
        Assert.Contains("clay-server salvage", error.Message);

        var (code, salvage) = await RunServerCommandAsync("salvage");
        Assert.Equal(0, code);
        Assert.Contains("the damaged database is kept as", salvage);
        Assert.Single(Directory.GetFiles(Data, "oplog.db.damaged-*"), f => !f.EndsWith("-wal", StringComparison.Ordinal) && !f.EndsWith("-shm", StringComparison.Ordinal));
        Assert.Equal(0, (await RunServerCommandAsync("verify")).Code);
        // Every worker that lost entries — its last index before the cut is higher than after the
        // salvage, or it is gone — is named in the report.
        var after = LastIndexes(Database);
        var truncated = before.Where(p => after.GetValueOrDefault(p.Key) < p.Value).Select(p => p.Key).ToList();
        Assert.NotEmpty(truncated);
        foreach (var worker in truncated) Assert.Contains($"{Component}/{worker}: ", salvage);

        await using var restarted = new ClayServerProcess(ClayInstallation.BinDirectory, Data);
        await restarted.StartAsync(TimeSpan.FromSeconds(180));
        using var client = restarted.CreateHttpClient();
        var served = 0;
        for (var w = 1; w <= 30; w++)
        {
            // Read without creating: the invoke endpoint would create a worker the salvage dropped.
            if (!await ExistsAsync(client, $"w{w}"))
            {
                Assert.Contains($"w{w}", truncated);
                continue;
            }
            var entries = await EntriesAsync(client, $"w{w}");
            Assert.Equal(expected.Take(entries.Count), entries);
            if (entries.Count < expected.Length) Assert.Contains($"w{w}", truncated);
            served++;
        }
        Assert.True(served > 0, "salvage kept no worker");
    }

    /// <summary>Each worker's last oplog index, read straight from the database.</summary>
    private static Dictionary<string, long> LastIndexes(string database)
    {
        using var connection = new SqliteConnection($"Data Source={database};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT w.name, MAX(e.idx) FROM workers w JOIN entries e ON e.worker = w.id GROUP BY w.name";
        using var reader = command.ExecuteReader();
        var last = new Dictionary<string, long>();
        while (reader.Read()) last[reader.GetString(0)] = reader.GetInt64(1);
        return last;
    }

    private static async Task<bool> ExistsAsync(HttpClient http, string worker)
    {
        using var response = await http.GetAsync($"v1/components/{Component}/workers/{worker}");
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.NotFound, $"GET {worker}: {(int)response.StatusCode} {text}");
        if (response.StatusCode == HttpStatusCode.NotFound) Assert.Contains("worker-not-found", text);
        return response.StatusCode == HttpStatusCode.OK;
    }

    private static async Task InvokeAsync(HttpClient http, string worker, string function, params string[] args)
    {
        var (status, text) = await SendAsync(http, worker, function, args);
        Assert.True(status == 200, $"{worker} {function}: {status} {text}");
    }

    private static async Task<(int Status, string Text)> SendAsync(HttpClient http, string worker, string function, params string[] args)
    {
        using var response = await http.PostAsJsonAsync($"v1/components/{Component}/workers/{worker}/invoke", new { function, args });
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private static async Task<List<string>> EntriesAsync(HttpClient http, string worker)
    {
        var (status, text) = await SendAsync(http, worker, "entries");
        Assert.True(status == 200, $"{worker}: {status} {text}");
        return ReadList(text);
    }

    private static List<string> ReadList(string text)
    {
        using var json = JsonDocument.Parse(text);
        return json.RootElement.GetProperty("result").GetProperty("json").EnumerateArray().Select(e => e.GetString()!).ToList();
    }

    private static async Task<(string? Code, string Message)> FailureAsync(HttpClient http, string worker)
    {
        var (status, text) = await SendAsync(http, worker, "entries");
        Assert.True(status >= 400, $"{worker} served {text}");
        using var json = JsonDocument.Parse(text);
        var error = json.RootElement.GetProperty("error");
        return (error.GetProperty("code").GetString(), error.GetProperty("message").GetString()!);
    }

    private Task<(int Code, string Output)> VerifyAsync() => RunServerCommandAsync("verify");

    private async Task<(int Code, string Output)> RunServerCommandAsync(string command)
    {
        var start = new ProcessStartInfo(ClayInstallation.Server) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { command, "--data-dir", Data }) start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        var stdout = await process.StandardOutput.ReadToEndAsync();
        var stderr = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        output.WriteLine(stdout + stderr);
        return (process.ExitCode, stdout + stderr);
    }

    private SqliteConnection Open()
    {
        var connection = new SqliteConnection($"Data Source={Database};Pooling=False");
        connection.Open();
        return connection;
    }

    private static void Execute(SqliteConnection db, string sql)
    {
        using var command = db.CreateCommand();
        command.CommandText = sql;
        Assert.Equal(1, command.ExecuteNonQuery());
    }

    private static long Scalar(SqliteConnection db, string sql)
    {
        using var command = db.CreateCommand();
        command.CommandText = sql;
        return (long)command.ExecuteScalar()!;
    }
}
