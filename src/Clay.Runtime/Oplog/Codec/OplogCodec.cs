using System.Buffers;
using Clay.Runtime.Types;
using Clay.Runtime.Values;
using Clay.Sdk;
using static Clay.Runtime.Oplog.OplogEntry;

namespace Clay.Runtime.Oplog.Codec;

/// <summary>
/// The versioned binary encoding of oplog entries.
/// <code>
/// +---------+-----+------------------------+------------------------------+
/// | version | tag | timestamp              | fields of the kind, in order |
/// | u8 = 1  | u8  | zigzag varint, µs UTC  | (see docs/oplog-format.md)   |
/// +---------+-----+------------------------+------------------------------+
/// </code>
/// Integers are LEB128 varints (signed ones zigzag), strings are a varint byte length and UTF-8,
/// values use <see cref="ValueCodec"/>. The store adds a checksum around each encoded entry.
/// </summary>
public static class OplogCodec
{
    /// <summary>
    /// The newest format version. Decoders read every version up to it. Each entry is written in the
    /// oldest version that has its layout, so older readers keep reading every entry they can:
    /// version 2 only added fields to <c>snapshot</c>, version 3 its component version, and version 4
    /// where its history's first update is.
    /// </summary>
    public const byte CurrentVersion = 4;

    /// <summary>A buffer per thread to encode into: one allocation per entry, the exact-size result.</summary>
    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_buffer;

    /// <summary>Encodes one entry.</summary>
    public static byte[] Encode(OplogEntry entry)
    {
        var buffer = RentBuffer();
        Encode(entry, buffer);
        return ReturnBuffer(buffer);
    }

    /// <summary>
    /// Encodes the arguments of an invocation once, in the form <c>exported-function-invoked</c> and
    /// <c>pending-worker-invocation</c> entries carry them, so the bytes that are measured against the
    /// size limit are the ones written (see <see cref="EncodeInvocation"/>).
    /// </summary>
    public static byte[] EncodeArguments(IReadOnlyList<Value> arguments)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        var buffer = RentBuffer();
        var w = new EncodingWriter(buffer);
        w.VarUInt((ulong)arguments.Count);
        // By index: the arguments are an array behind the interface, whose enumerator would be one more object per invocation.
        for (var i = 0; i < arguments.Count; i++) ValueCodec.Write(ref w, arguments[i]);
        return ReturnBuffer(buffer);
    }

    /// <summary>
    /// Encodes an <c>exported-function-invoked</c> or <c>pending-worker-invocation</c> entry around
    /// arguments already encoded by <see cref="EncodeArguments"/>: the same bytes
    /// <see cref="Encode(OplogEntry)"/> writes for the decoded entry.
    /// </summary>
    public static byte[] EncodeInvocation(OplogEntryKind kind, DateTimeOffset timestamp, string functionName, ReadOnlySpan<byte> encodedArguments,
        string idempotencyKey)
    {
        if (kind is not (OplogEntryKind.ExportedFunctionInvoked or OplogEntryKind.PendingWorkerInvocation))
        {
            throw new ArgumentOutOfRangeException(nameof(kind), kind, "only invocation entries carry encoded arguments");
        }
        var buffer = RentBuffer();
        var w = new EncodingWriter(buffer);
        w.Byte(1);
        w.Byte((byte)kind);
        w.VarInt(ToMicros(timestamp));
        w.String(functionName);
        w.Raw(encodedArguments);
        w.String(idempotencyKey);
        return ReturnBuffer(buffer);
    }

    private static ArrayBufferWriter<byte> RentBuffer()
    {
        var buffer = t_buffer ?? new ArrayBufferWriter<byte>(256);
        t_buffer = null;
        return buffer;
    }

    private static byte[] ReturnBuffer(ArrayBufferWriter<byte> buffer)
    {
        var bytes = buffer.WrittenSpan.ToArray();
        // Keep ordinary buffers for the next entry; let an exceptionally large one go.
        if (buffer.Capacity <= 64 * 1024)
        {
            buffer.ResetWrittenCount();
            t_buffer = buffer;
        }
        return bytes;
    }

    /// <summary>Encodes one entry into <paramref name="output"/>.</summary>
    public static void Encode(OplogEntry entry, IBufferWriter<byte> output)
    {
        var w = new EncodingWriter(output);
        w.Byte(entry switch { Snapshot { UpdatesFrom: >= 0 } => (byte)4, Snapshot { ComponentVersion: >= 0 } => (byte)3, Snapshot => (byte)2, _ => (byte)1 });
        w.Byte((byte)entry.Kind);
        w.VarInt(ToMicros(entry.Timestamp));
        switch (entry)
        {
            case Create e:
                w.VarInt(e.ComponentVersion);
                WriteStrings(ref w, e.Arguments);
                w.VarUInt((ulong)e.Environment.Count);
                foreach (var (key, value) in e.Environment)
                {
                    w.String(key);
                    w.String(value);
                }
                w.VarInt(e.ComponentSize);
                w.VarInt(e.InitialMemory);
                break;
            case ExportedFunctionInvoked e:
                w.String(e.FunctionName);
                WriteValues(ref w, e.Arguments);
                w.String(e.IdempotencyKey);
                break;
            case ExportedFunctionCompleted e:
                w.Byte(e.Result is null ? (byte)0 : (byte)1);
                if (e.Result is not null) ValueCodec.Write(ref w, e.Result);
                break;
            case ExportedFunctionFailed e:
                w.String(e.ExceptionType);
                w.String(e.Message);
                break;
            case ImportedFunctionInvoked e:
                w.String(e.FunctionName);
                ValueCodec.Write(ref w, e.Request);
                ValueCodec.Write(ref w, e.Response);
                w.Byte((byte)e.EffectKind);
                break;
            case Suspend e: w.VarInt(ToMicros(e.WakeAt)); break;
            case Error e:
                w.String(e.ErrorCode);
                w.String(e.Message);
                w.VarInt(e.Attempt);
                break;
            case Interrupted or Exited or BeginAtomicRegion or Restart: break;
            case Jump e:
                w.VarInt(e.Start);
                w.VarInt(e.End);
                break;
            case Log e:
                w.Byte((byte)e.Level);
                w.String(e.Context);
                w.String(e.Message);
                break;
            case PendingWorkerInvocation e:
                w.String(e.FunctionName);
                WriteValues(ref w, e.Arguments);
                w.String(e.IdempotencyKey);
                break;
            case ScheduledInvocation e:
                w.String(e.FunctionName);
                WriteValues(ref w, e.Arguments);
                w.String(e.IdempotencyKey);
                w.VarInt(ToMicros(e.DueAt));
                break;
            case PendingUpdate e:
                w.VarInt(e.TargetVersion);
                w.Byte((byte)e.Mode);
                break;
            case SuccessfulUpdate e:
                w.VarInt(e.TargetVersion);
                w.VarInt(e.NewComponentSize);
                break;
            case FailedUpdate e:
                w.VarInt(e.TargetVersion);
                w.OptionalString(e.Details);
                break;
            case Snapshot e:
                w.String(e.Format);
                w.Bytes(e.Data.Span);
                w.VarInt(e.FirstPending);
                w.VarInt(e.RecordedMemory);
                w.OptionalString(e.LastError);
                if (e.ComponentVersion >= 0 || e.UpdatesFrom >= 0) w.VarInt(e.ComponentVersion);
                if (e.UpdatesFrom >= 0) w.VarInt(e.UpdatesFrom);
                break;
            case ChangeRetryPolicy e:
                w.VarInt(e.MaxAttempts);
                w.VarInt(e.InitialDelay.Ticks);
                w.VarInt(e.MaxDelay.Ticks);
                w.Double(e.Multiplier);
                break;
            case EndAtomicRegion e: w.VarInt(e.BeginIndex); break;
            case BeginRemoteWrite e: w.String(e.FunctionName); break;
            case EndRemoteWrite e: w.VarInt(e.BeginIndex); break;
            case CancelPendingInvocation e: w.String(e.IdempotencyKey); break;
            case GrowMemory e:
                w.VarInt(e.Delta);
                w.VarInt(e.Total);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(entry), entry.GetType().Name, "unknown oplog entry kind");
        }
    }

    /// <summary>The kind of an encoded entry, read from its header without decoding the rest.</summary>
    /// <exception cref="OplogDecodeException">The bytes do not start like an entry.</exception>
    public static OplogEntryKind PeekKind(ReadOnlySpan<byte> data)
    {
        if (data.Length < 2 || data[0] is 0 or > CurrentVersion) throw new OplogDecodeException(0, "not an oplog entry");
        return (OplogEntryKind)data[1];
    }

    /// <summary>Decodes one entry that must fill <paramref name="data"/> exactly.</summary>
    /// <exception cref="OplogDecodeException">The bytes are not one valid entry.</exception>
    public static OplogEntry Decode(ReadOnlySpan<byte> data)
    {
        var r = new EncodingReader(data);
        var version = r.Byte();
        if (version is 0 or > CurrentVersion) throw new OplogDecodeException(0, $"unsupported format version {version}");
        var tagAt = r.Position;
        var kind = (OplogEntryKind)r.Byte();
        var at = FromMicros(ref r);
        OplogEntry entry = kind switch
        {
            OplogEntryKind.Create => new Create(at, r.VarInt(), ReadStrings(ref r), ReadEnvironment(ref r), r.VarInt(), r.VarInt()),
            OplogEntryKind.ExportedFunctionInvoked => new ExportedFunctionInvoked(at, r.String(), ReadValues(ref r), r.String()),
            OplogEntryKind.ExportedFunctionCompleted => new ExportedFunctionCompleted(at, r.Bool() ? ValueCodec.Read(ref r, 0) : null),
            OplogEntryKind.ExportedFunctionFailed => new ExportedFunctionFailed(at, r.String(), r.String()),
            OplogEntryKind.ImportedFunctionInvoked => new ImportedFunctionInvoked(at, r.String(), ValueCodec.Read(ref r, 0),
                ValueCodec.Read(ref r, 0), ReadEnum<EffectKind>(ref r, 3)),
            OplogEntryKind.Suspend => new Suspend(at, FromMicros(ref r)),
            OplogEntryKind.Error => new Error(at, r.String(), r.String(), r.Int32()),
            OplogEntryKind.Interrupted => new Interrupted(at),
            OplogEntryKind.Exited => new Exited(at),
            OplogEntryKind.Jump => new Jump(at, r.VarInt(), r.VarInt()),
            OplogEntryKind.Log => new Log(at, ReadEnum<WorkerLogLevel>(ref r, 4), r.String(), r.String()),
            OplogEntryKind.PendingWorkerInvocation => new PendingWorkerInvocation(at, r.String(), ReadValues(ref r), r.String()),
            OplogEntryKind.PendingUpdate => new PendingUpdate(at, r.VarInt(), ReadEnum<UpdateMode>(ref r, 1)),
            OplogEntryKind.SuccessfulUpdate => new SuccessfulUpdate(at, r.VarInt(), r.VarInt()),
            OplogEntryKind.FailedUpdate => new FailedUpdate(at, r.VarInt(), r.OptionalString()),
            OplogEntryKind.Snapshot when version == 1 => new Snapshot(at, r.String(), new Bytes(r.Bytes())),
            OplogEntryKind.Snapshot when version == 2 => new Snapshot(at, r.String(), new Bytes(r.Bytes()), r.VarInt(), r.VarInt(), r.OptionalString()),
            OplogEntryKind.Snapshot when version == 3 => new Snapshot(at, r.String(), new Bytes(r.Bytes()), r.VarInt(), r.VarInt(), r.OptionalString(), r.VarInt()),
            OplogEntryKind.Snapshot => new Snapshot(at, r.String(), new Bytes(r.Bytes()), r.VarInt(), r.VarInt(), r.OptionalString(), r.VarInt(), r.VarInt()),
            OplogEntryKind.ChangeRetryPolicy => new ChangeRetryPolicy(at, r.Int32(), TimeSpan.FromTicks(r.VarInt()),
                TimeSpan.FromTicks(r.VarInt()), r.Double()),
            OplogEntryKind.BeginAtomicRegion => new BeginAtomicRegion(at),
            OplogEntryKind.EndAtomicRegion => new EndAtomicRegion(at, r.VarInt()),
            OplogEntryKind.BeginRemoteWrite => new BeginRemoteWrite(at, r.String()),
            OplogEntryKind.EndRemoteWrite => new EndRemoteWrite(at, r.VarInt()),
            OplogEntryKind.CancelPendingInvocation => new CancelPendingInvocation(at, r.String()),
            OplogEntryKind.Restart => new Restart(at),
            OplogEntryKind.GrowMemory => new GrowMemory(at, r.VarInt(), r.VarInt()),
            OplogEntryKind.ScheduledInvocation => new ScheduledInvocation(at, r.String(), ReadValues(ref r), r.String(), FromMicros(ref r)),
            _ => throw new OplogDecodeException(tagAt, $"unknown entry kind {(byte)kind}"),
        };
        if (!r.AtEnd) throw r.Fail($"{r.Remaining} unexpected bytes after a {kind} entry");
        return entry;
    }

    private static readonly long MinMicros = ToMicros(DateTimeOffset.MinValue);
    private static readonly long MaxMicros = ToMicros(DateTimeOffset.MaxValue);

    private static long ToMicros(DateTimeOffset time) => (time.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10;

    private static DateTimeOffset FromMicros(ref EncodingReader r)
    {
        var at = r.Position;
        var micros = r.VarInt();
        if (micros < MinMicros || micros > MaxMicros) throw new OplogDecodeException(at, $"timestamp {micros} µs is out of range");
        return DateTimeOffset.UnixEpoch.AddTicks(micros * 10);
    }

    private static T ReadEnum<T>(ref EncodingReader r, byte max) where T : struct, System.Enum
    {
        var at = r.Position;
        var b = r.Byte();
        return b <= max ? (T)System.Enum.ToObject(typeof(T), b) : throw new OplogDecodeException(at, $"invalid {typeof(T).Name} {b}");
    }

    private static void WriteStrings(ref EncodingWriter w, EquatableArray<string> items)
    {
        w.VarUInt((ulong)items.Count);
        foreach (var item in items) w.String(item);
    }

    private static void WriteValues(ref EncodingWriter w, EquatableArray<Value> items)
    {
        w.VarUInt((ulong)items.Count);
        foreach (var item in items) ValueCodec.Write(ref w, item);
    }

    private static string[] ReadStrings(ref EncodingReader r)
    {
        var items = new string[r.Count()];
        for (var i = 0; i < items.Length; i++) items[i] = r.String();
        return items;
    }

    private static KeyValuePair<string, string>[] ReadEnvironment(ref EncodingReader r)
    {
        var items = new KeyValuePair<string, string>[r.Count(minBytesEach: 2)];
        for (var i = 0; i < items.Length; i++) items[i] = new(r.String(), r.String());
        return items;
    }

    private static Value[] ReadValues(ref EncodingReader r)
    {
        var items = new Value[r.Count()];
        for (var i = 0; i < items.Length; i++) items[i] = ValueCodec.Read(ref r, 0);
        return items;
    }
}
