using Clay.Runtime.Oplog;
using Clay.Runtime.Values;
using Clay.Sdk;
using static Clay.Runtime.Oplog.OplogEntry;

namespace Clay.Runtime.Tests.Oplog;

/// <summary>One fixed sample of every oplog entry kind, and a value that uses every value tag.</summary>
public static class OplogSamples
{
    private static readonly DateTimeOffset At = new(2026, 11, 24, 12, 30, 15, 123, TimeSpan.Zero);

    public static Value EveryValueTag { get; } = new Value.Tuple(new Value[]
    {
        Value.True, new Value.S8(-8), new Value.S16(-1600), new Value.S32(-320_000), new Value.S64(long.MinValue),
        new Value.U8(200), new Value.U16(65_000), new Value.U32(4_000_000_000), new Value.U64(ulong.MaxValue),
        new Value.F32(1.5f), new Value.F64(double.NaN), new Value.Char(new System.Text.Rune(0x1F600)), new Value.String("héllo"),
        new Value.List(new Value[] { new Value.U8(1), new Value.U8(2) }), Value.None, new Value.Option(new Value.U8(3)),
        new Value.Result(true, new Value.String("fine")), new Value.Result(false, null),
        new Value.Record(new RecordField[] { new("product-id", new Value.String("p1")), new("quantity", new Value.U32(2)) }),
        new Value.Variant("success", new Value.String("ok")), new Value.Variant("empty", null),
        new Value.Enum("red"), new Value.Flags(new[] { "read", "write" }),
    });

    private static readonly Value Item = new Value.Record(new RecordField[]
    {
        new("product-id", new Value.String("p1")), new("name", new Value.String("Example product")),
        new("price", new Value.F32(1000f)), new("quantity", new Value.U32(2)),
    });

    public static IReadOnlyList<OplogEntry> All { get; } =
    [
        new Create(At, 3, new[] { "--verbose" }, new[] { KeyValuePair.Create("REGION", "eu") }, 48_128, 1_048_576),
        new ExportedFunctionInvoked(At, "add-item", new[] { Item }, "key-1"),
        new ExportedFunctionCompleted(At, new Value.List(new[] { Item })),
        new ExportedFunctionFailed(At, "System.InvalidOperationException", "cart is checked out"),
        new ImportedFunctionInvoked(At, "http POST", new Value.String("https://example.test/pay"), new Value.U16(200), EffectKind.WriteRemote),
        new Suspend(At, At.AddMinutes(5)),
        new OplogEntry.Error(At, "invocation-failed", "transient failure", 2),
        new Interrupted(At),
        new Exited(At),
        new Jump(At, 5, 9),
        new Log(At, WorkerLogLevel.Warn, "cart", "low stock"),
        new PendingWorkerInvocation(At, "checkout", Array.Empty<Value>(), "key-2"),
        new PendingUpdate(At, 4, UpdateMode.Manual),
        new SuccessfulUpdate(At, 4, 50_000),
        new FailedUpdate(At, 5, "snapshot hook missing"),
        new Snapshot(At, "json", new Bytes([1, 2, 3, 255]), 17, 4096, "boom"),
        new ChangeRetryPolicy(At, 5, TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(30), 2.0),
        new BeginAtomicRegion(At),
        new EndAtomicRegion(At, 17),
        new BeginRemoteWrite(At, "http POST"),
        new EndRemoteWrite(At, 20),
        new CancelPendingInvocation(At, "key-2"),
        new Restart(At),
        new GrowMemory(At, 65_536, 1_114_112),
        new ScheduledInvocation(At, "add-item", new Value[] { new Value.String("p1") }, "key-3", At.AddHours(2)),
    ];
}
