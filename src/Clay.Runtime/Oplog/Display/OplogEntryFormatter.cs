using System.Globalization;
using Clay.Runtime.Components;
using Clay.Runtime.Values;

namespace Clay.Runtime.Oplog.Display;

/// <summary>One named, printed field of an entry shown to a user.</summary>
/// <param name="Name">Kebab-case field name, for example <c>idempotency-key</c>.</param>
/// <param name="Value">The field's text; values are WAVE.</param>
public sealed record DisplayField(string Name, string Value);

/// <summary>An oplog entry prepared for display and for queries.</summary>
/// <param name="Kind">Kebab-case kind name, for example <c>exported-function-invoked</c>.</param>
/// <param name="Fields">The fields in display order.</param>
/// <param name="Values">The structured values the entry carries (arguments, results, effect data), for queries that look into record fields.</param>
public sealed record OplogEntryDisplay(string Kind, IReadOnlyList<DisplayField> Fields, IReadOnlyList<Value> Values);

/// <summary>Renders oplog entries as readable fields: what <c>clay worker oplog</c> prints.</summary>
public static class OplogEntryFormatter
{
    /// <summary>The kebab-case name of an entry kind.</summary>
    public static string KindName(OplogEntryKind kind) => KebabCase.FromPascal(kind.ToString());

    /// <summary>Prepares <paramref name="entry"/> for display, printing values with <paramref name="print"/>.</summary>
    public static OplogEntryDisplay Format(OplogEntry entry, Func<Value, string> print)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentNullException.ThrowIfNull(print);
        var fields = new List<DisplayField>();
        var values = new List<Value>();
        void Add(string name, string value) => fields.Add(new DisplayField(name, value));
        void AddValues(string name, IReadOnlyList<Value> items)
        {
            values.AddRange(items);
            Add(name, string.Join(", ", items.Select(print)));
        }
        void AddValue(string name, Value? value)
        {
            if (value is not null) values.Add(value);
            Add(name, value is null ? "(unit)" : print(value));
        }

        switch (entry)
        {
            case OplogEntry.Create e:
                Add("component-version", Num(e.ComponentVersion));
                Add("component-size", Num(e.ComponentSize));
                Add("initial-memory", Num(e.InitialMemory));
                if (e.Arguments.Length > 0) Add("args", string.Join(" ", e.Arguments));
                if (e.Environment.Length > 0) Add("env", string.Join(", ", e.Environment.Select(p => $"{p.Key}={p.Value}")));
                break;
            case OplogEntry.ExportedFunctionInvoked e:
                Add("function", e.FunctionName);
                Add("idempotency-key", e.IdempotencyKey);
                AddValues("input", e.Arguments);
                break;
            case OplogEntry.ExportedFunctionCompleted e:
                AddValue("result", e.Result);
                break;
            case OplogEntry.ExportedFunctionFailed e:
                Add("error-type", e.ExceptionType);
                Add("message", e.Message);
                break;
            case OplogEntry.ImportedFunctionInvoked e:
                Add("function", e.FunctionName);
                Add("effect", KebabCase.FromPascal(e.EffectKind.ToString()));
                AddValue("request", e.Request);
                AddValue("response", e.Response);
                break;
            case OplogEntry.Suspend e:
                Add("wake-at", Time(e.WakeAt));
                break;
            case OplogEntry.Error e:
                Add("code", e.ErrorCode);
                Add("message", e.Message);
                Add("attempt", Num(e.Attempt));
                break;
            case OplogEntry.Jump e:
                Add("from", Num(e.Start));
                Add("to", Num(e.End));
                break;
            case OplogEntry.Log e:
                Add("level", e.Level.ToString().ToLowerInvariant());
                if (e.Context.Length > 0) Add("context", e.Context);
                Add("message", e.Message);
                break;
            case OplogEntry.PendingWorkerInvocation e:
                Add("function", e.FunctionName);
                Add("idempotency-key", e.IdempotencyKey);
                AddValues("input", e.Arguments);
                break;
            case OplogEntry.PendingUpdate e:
                Add("target-version", Num(e.TargetVersion));
                Add("mode", e.Mode.ToString().ToLowerInvariant());
                break;
            case OplogEntry.SuccessfulUpdate e:
                Add("target-version", Num(e.TargetVersion));
                Add("component-size", Num(e.NewComponentSize));
                break;
            case OplogEntry.FailedUpdate e:
                Add("target-version", Num(e.TargetVersion));
                if (e.Details is not null) Add("details", e.Details);
                break;
            case OplogEntry.Snapshot e:
                Add("format", e.Format);
                Add("size", Num(e.Data.Length));
                if (e.FirstPending > 0) Add("first-pending", Num(e.FirstPending));
                break;
            case OplogEntry.ChangeRetryPolicy e:
                Add("max-attempts", Num(e.MaxAttempts));
                Add("initial-delay", e.InitialDelay.ToString("c", CultureInfo.InvariantCulture));
                Add("max-delay", e.MaxDelay.ToString("c", CultureInfo.InvariantCulture));
                Add("multiplier", e.Multiplier.ToString(CultureInfo.InvariantCulture));
                break;
            case OplogEntry.EndAtomicRegion e:
                Add("begin-index", Num(e.BeginIndex));
                break;
            case OplogEntry.BeginRemoteWrite e:
                Add("function", e.FunctionName);
                break;
            case OplogEntry.EndRemoteWrite e:
                Add("begin-index", Num(e.BeginIndex));
                break;
            case OplogEntry.CancelPendingInvocation e:
                Add("idempotency-key", e.IdempotencyKey);
                break;
            case OplogEntry.GrowMemory e:
                Add("delta", Num(e.Delta));
                Add("total", Num(e.Total));
                break;
            case OplogEntry.Interrupted or OplogEntry.Exited or OplogEntry.Restart or OplogEntry.BeginAtomicRegion:
                break;
            default:
                throw new InvalidOperationException($"Unknown oplog entry {entry.GetType().Name}.");
        }
        return new OplogEntryDisplay(KindName(entry.Kind), fields, values);
    }

    private static string Num(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Time(DateTimeOffset value) => value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}
