using System.Text.Json;
using Clay.Runtime.Execution;
using Clay.Runtime.Oplog.Codec;
using Clay.Runtime.Storage;
using Clay.Runtime.Tests.Execution;
using Clay.Runtime.Values;
using Clay.Runtime.Wave;
using Clay.Storage.Sqlite;
using Clay.TestComponents.Durability;
using Cart;
using static Clay.Runtime.Tests.Execution.CartValues;

namespace Clay.Runtime.Tests.Compatibility;

/// <summary>
/// A whole multi-worker oplog database written by an earlier version of Clay, committed under
/// <c>Compatibility/Recorded/</c>, that every later version must still open and replay to the same
/// state: carts with snapshots, effects, failures, queued invocations, start-up arguments. Like the
/// recorded journals and histories other engines keep, it pins the storage schema, the entry
/// encoding and replay together, where the single-entry golden files pin only the encoding.
/// </summary>
/// <remarks>
/// To record a new fixture (only when the format changes on purpose, keeping the old ones), run
/// with <c>CLAY_RECORD_HISTORY=DIRECTORY-NAME</c>: the test writes it and then fails, so a recording
/// is never mistaken for a passing run.
/// </remarks>
[Collection(StaticComponentState.Name)]
public sealed class RecordedHistoryTests
{
    private static readonly Type[] Components = [typeof(ShoppingCart), typeof(Counter), typeof(Effects), typeof(Greeter), typeof(Tally), typeof(Flaky)];

    private static string RecordedRoot => Path.Combine(ClayRepository.Root, "tests", "Clay.Runtime.Tests", "Compatibility", "Recorded");

    public static TheoryData<string> Recordings()
    {
        var data = new TheoryData<string>();
        foreach (var directory in Directory.GetDirectories(RecordedRoot).Order(StringComparer.Ordinal)) data.Add(Path.GetFileName(directory));
        return data;
    }

    [Fact]
    public async Task Record_a_new_fixture_when_asked()
    {
        var name = Environment.GetEnvironmentVariable("CLAY_RECORD_HISTORY");
        if (string.IsNullOrEmpty(name)) return;
        var target = Path.Combine(RecordedRoot, name);
        Directory.CreateDirectory(target);
        await using var fixture = new ExecutorFixture(Components) { SnapshotEvery = 10 };
        var store = await fixture.OpenStoreAsync();
        var executor = fixture.NewExecutor(store);
        await WriteHistoryAsync(executor);
        await fixture.StopAsync(store, executor);
        // One self-contained file: whatever is still in the write-ahead log goes into it.
        var file = Path.Combine(target, "oplog.sqlite");
        File.Delete(file);
        await using (var db = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={fixture.DatabasePath}"))
        {
            await db.OpenAsync();
            await using var vacuum = db.CreateCommand();
            vacuum.CommandText = $"VACUUM INTO '{file.Replace("'", "''", StringComparison.Ordinal)}'";
            await vacuum.ExecuteNonQueryAsync();
        }
        // What this version answers after reopening the recorded file is what every later one must answer.
        await using var reopened = new ExecutorFixture(Components);
        File.Copy(file, reopened.DatabasePath);
        var expected = await QueryAsync(reopened.NewExecutor(await reopened.OpenStoreAsync()));
        await File.WriteAllTextAsync(Path.Combine(target, "expected.json"),
            JsonSerializer.Serialize(expected, new JsonSerializerOptions { WriteIndented = true }) + "\n");
        Assert.Fail($"recorded {target}: review it, commit it, and run again without CLAY_RECORD_HISTORY");
    }

    [Theory]
    [MemberData(nameof(Recordings))]
    public async Task A_recorded_history_opens_and_replays_to_the_recorded_state(string recording)
    {
        var directory = Path.Combine(RecordedRoot, recording);
        var expected = JsonSerializer.Deserialize<Dictionary<string, string>>(await File.ReadAllTextAsync(Path.Combine(directory, "expected.json")))!;
        await using var fixture = new ExecutorFixture(Components);
        File.Copy(Path.Combine(directory, "oplog.sqlite"), fixture.DatabasePath);
        var store = await fixture.OpenStoreAsync();

        // Every entry still decodes, and encodes back to the very bytes stored.
        var entries = 0;
        await foreach (var worker in store.ListWorkersAsync())
        {
            await foreach (var stored in store.ReadAsync(worker, 1))
            {
                Assert.Equal(stored.Payload.ToArray(), OplogCodec.Encode(OplogCodec.Decode(stored.Payload.Span)));
                entries++;
            }
        }
        Assert.True(entries > 100, $"{entries} entries");

        var executor = fixture.NewExecutor(store);
        var actual = await QueryAsync(executor);
        Assert.Equal(expected.OrderBy(p => p.Key), actual.OrderBy(p => p.Key));
    }

    private static WorkerId Id<T>(string name) => ExecutorFixture.Worker(typeof(T), name);

    /// <summary>The history: every kind of entry today's code writes.</summary>
    private static async Task WriteHistoryAsync(Executor executor)
    {
        var alice = Id<ShoppingCart>("alice");
        await executor.InvokeAsync(alice, "initialize-cart", [Str("alice")], "a-1");
        await executor.InvokeAsync(alice, "add-item", [Item("p1")], "a-2");
        await executor.InvokeAsync(alice, "add-item", [Item("p2", "Second", 12.5f, 3)], "a-3");
        await executor.InvokeAsync(alice, "add-item", [Item("p3", "Third", 0.25f, 1)], "a-4");
        await executor.InvokeAsync(alice, "remove-item", [Str("p1")], "a-5");
        await executor.InvokeAsync(alice, "update-item-quantity", [Str("p3"), new Value.U32(9)], "a-6");

        var bob = Id<ShoppingCart>("bob");
        await executor.InvokeAsync(bob, "initialize-cart", [Str("bob")]);
        for (var i = 0; i < 40; i++)
        {
            await executor.InvokeAsync(bob, "add-item", [Item($"b{i}", $"Item {i}", i * 1.5f, (uint)i + 1)], $"b-{i}");
            if (i % 7 == 6) await executor.InvokeAsync(bob, "checkout", [], $"b-checkout-{i}");
        }

        var effects = Id<Effects>("dice");
        for (var i = 0; i < 5; i++) await executor.InvokeAsync(effects, "draw", [], $"d-{i}");
        await executor.InvokeAsync(effects, "run-effect", [Str("charge")], "d-charge");

        var counter = Id<Counter>("c");
        await executor.InvokeAsync(counter, "increment", [], "c-1");
        await Assert.ThrowsAsync<InvocationFailedException>(() => executor.InvokeAsync(counter, "increment-then-fail", [new Value.Bool(true)], "c-2"));
        await executor.InvokeAsync(counter, "increment-then-fail", [new Value.Bool(false)], "c-3");

        var greeter = Id<Greeter>("g");
        await executor.CreateAsync(greeter, new WorkerCreation(["Captain"], [new("LANGUAGE", "fr")]));
        await executor.InvokeAsync(greeter, "greet", [], "g-1");

        Flaky.FailuresLeft = 0;
        var flaky = Id<Flaky>("f");
        await executor.InvokeAsync(flaky, "fetch", [new Value.Bool(false)], "f-1");
        await executor.InvokeAsync(flaky, "fetch", [new Value.Bool(true)], "f-2");

        var tally = Id<Tally>("t");
        var resident = await executor.GetAsync(tally, WorkerCreation.OnFirstInvocation);
        for (ulong i = 1; i <= 30; i++) await resident.EnqueueAsync("add", [new Value.U64(i)], $"t-{i}");
        await executor.InvokeAsync(tally, "add", [new Value.U64(1000)], "t-last");
    }

    /// <summary>What the recorded workers answer, and what repeated idempotency keys return.</summary>
    private static async Task<Dictionary<string, string>> QueryAsync(Executor executor)
    {
        var answers = new Dictionary<string, string>(StringComparer.Ordinal);
        async Task Ask(string label, WorkerId worker, string function, Value[] args, string? key = null)
        {
            var result = await executor.InvokeAsync(worker, function, args, key);
            answers[label] = result.Result is null ? "(unit)" : WavePrinter.Print(result.Result);
        }
        await Ask("alice contents", Id<ShoppingCart>("alice"), "get-cart-contents", []);
        await Ask("alice a-4 again", Id<ShoppingCart>("alice"), "add-item", [Item("p3", "Third", 0.25f, 1)], "a-4");
        await Ask("bob contents", Id<ShoppingCart>("bob"), "get-cart-contents", []);
        await Ask("bob checkout 13 again", Id<ShoppingCart>("bob"), "checkout", [], "b-checkout-13");
        await Ask("dice seen", Id<Effects>("dice"), "seen", []);
        await Ask("counter", Id<Counter>("c"), "get", []);
        await Ask("greeting", Id<Greeter>("g"), "greet", []);
        await Ask("flaky f-2 again", Id<Flaky>("f"), "fetch", [new Value.Bool(true)], "f-2");
        await Ask("tally history", Id<Tally>("t"), "history", []);
        foreach (var worker in new[] { Id<ShoppingCart>("alice"), Id<ShoppingCart>("bob"), Id<Counter>("c"), Id<Greeter>("g"), Id<Tally>("t") })
        {
            var info = await executor.GetInfoAsync(worker);
            answers[$"{worker} info"] = $"version {info.ComponentVersion}, status {info.Status}, oplog {info.OplogLength}, args [{string.Join(" ", info.Arguments)}], env [{string.Join(" ", info.Environment.Select(p => $"{p.Key}={p.Value}"))}]";
        }
        return answers;
    }
}
