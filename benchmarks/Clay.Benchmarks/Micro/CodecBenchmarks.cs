using BenchmarkDotNet.Attributes;
using Clay.Runtime.Oplog;
using Clay.Runtime.Oplog.Codec;
using Clay.Runtime.Values;

namespace Clay.Benchmarks.Micro;

/// <summary>Oplog entry encode and decode: an add-item invocation and a 100-item result.</summary>
[MemoryDiagnoser]
public class CodecBenchmarks
{
    private static readonly Value Item = new Value.Record(new RecordField[]
    {
        new("product-id", new Value.String("p1")), new("name", new Value.String("Example product")),
        new("price", new Value.F32(1000f)), new("quantity", new Value.U32(2)),
    });

    private readonly OplogEntry _invoked = new OplogEntry.ExportedFunctionInvoked(DateTimeOffset.UnixEpoch, "add-item", new[] { Item }, "0b5d3c1e-5f6a-4c1b-9a8e-1f2d3c4b5a69");
    private readonly OplogEntry _completed = new OplogEntry.ExportedFunctionCompleted(DateTimeOffset.UnixEpoch, new Value.List(Enumerable.Repeat(Item, 100).ToArray()));
    private byte[] _invokedBytes = null!;
    private byte[] _completedBytes = null!;

    [GlobalSetup]
    public void Setup()
    {
        _invokedBytes = OplogCodec.Encode(_invoked);
        _completedBytes = OplogCodec.Encode(_completed);
    }

    [Benchmark]
    public byte[] EncodeInvoked() => OplogCodec.Encode(_invoked);

    [Benchmark]
    public OplogEntry DecodeInvoked() => OplogCodec.Decode(_invokedBytes);

    [Benchmark]
    public byte[] EncodeResult100() => OplogCodec.Encode(_completed);

    [Benchmark]
    public OplogEntry DecodeResult100() => OplogCodec.Decode(_completedBytes);
}
