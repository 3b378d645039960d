using Clay.Runtime.Values;

namespace Clay.Runtime.Types;

/// <summary>Checks that a <see cref="Value"/> fits a <see cref="ClayType"/> before anything records it.</summary>
public static class ValueTypeCheck
{
    /// <summary>
    /// Null when <paramref name="value"/> fits <paramref name="type"/>; otherwise where and why not,
    /// for example <c>field price: expected f32, got string</c>.
    /// </summary>
    public static string? Mismatch(Value value, ClayType type)
    {
        ArgumentNullException.ThrowIfNull(value);
        ArgumentNullException.ThrowIfNull(type);
        return Check(value, type, depth: 0);
    }

    private static string? Check(Value value, ClayType type, int depth)
    {
        if (depth > Oplog.Codec.ValueCodec.MaxDepth) return "the value nests too deeply";
        switch (type, value)
        {
            case (ClayType.Primitive p, _):
                return PrimitiveFits(p.Kind, value) ? null : Expected(type, value);
            case (ClayType.List list, Value.List items):
                for (var i = 0; i < items.Items.Count; i++)
                {
                    if (Check(items.Items[i], list.Element, depth + 1) is { } inner) return $"item {i}: {inner}";
                }
                return null;
            case (ClayType.Option option, Value.Option o):
                return o.Inner is null ? null : Check(o.Inner, option.Inner, depth + 1);
            case (ClayType.Result result, Value.Result r):
                var payloadType = r.IsOk ? result.Ok : result.Err;
                if (payloadType is null) return r.Payload is null ? null : $"{(r.IsOk ? "ok" : "err")} takes no payload";
                if (r.Payload is null) return $"{(r.IsOk ? "ok" : "err")} needs a payload of type {WitPrinter.PrintType(payloadType)}";
                return Check(r.Payload, payloadType, depth + 1);
            case (ClayType.Tuple tuple, Value.Tuple t):
                if (t.Items.Count != tuple.Elements.Count) return $"expected a tuple of {tuple.Elements.Count}, got {t.Items.Count}";
                for (var i = 0; i < t.Items.Count; i++)
                {
                    if (Check(t.Items[i], tuple.Elements[i], depth + 1) is { } inner) return $"element {i}: {inner}";
                }
                return null;
            case (ClayType.Record record, Value.Record r):
                return CheckRecord(record, r, depth);
            case (ClayType.Variant variant, Value.Variant v):
                var @case = variant.Cases.FirstOrDefault(c => c.Name == v.Case);
                if (@case is null) return $"{variant.Name} has no case {v.Case}";
                if (@case.Payload is null) return v.Payload is null ? null : $"case {v.Case} takes no payload";
                if (v.Payload is null) return $"case {v.Case} needs a payload";
                return Check(v.Payload, @case.Payload, depth + 1) is { } payload ? $"case {v.Case}: {payload}" : null;
            case (ClayType.Enum @enum, Value.Enum e):
                return @enum.Cases.Contains(e.Case) ? null : $"{@enum.Name} has no case {e.Case}";
            case (ClayType.Flags flags, Value.Flags f):
                var unknown = f.Names.FirstOrDefault(n => !flags.Names.Contains(n));
                return unknown is null ? null : $"{flags.Name} has no flag {unknown}";
            default:
                return Expected(type, value);
        }
    }

    private static string? CheckRecord(ClayType.Record record, Value.Record value, int depth)
    {
        foreach (var field in value.Fields)
        {
            if (!record.Fields.Any(f => f.Name == field.Name)) return $"record {record.Name} has no field {field.Name}";
        }
        foreach (var field in record.Fields)
        {
            var given = value.Fields.FirstOrDefault(f => f.Name == field.Name);
            if (given is null)
            {
                if (field.Type is ClayType.Option) continue;
                return $"record {record.Name} is missing field {field.Name}";
            }
            if (Check(given.Value, field.Type, depth + 1) is { } inner) return $"field {field.Name}: {inner}";
        }
        return null;
    }

    private static bool PrimitiveFits(PrimitiveKind kind, Value value) => (kind, value) switch
    {
        (PrimitiveKind.Bool, Value.Bool) or (PrimitiveKind.S8, Value.S8) or (PrimitiveKind.S16, Value.S16) or (PrimitiveKind.S32, Value.S32)
            or (PrimitiveKind.S64, Value.S64) or (PrimitiveKind.U8, Value.U8) or (PrimitiveKind.U16, Value.U16) or (PrimitiveKind.U32, Value.U32)
            or (PrimitiveKind.U64, Value.U64) or (PrimitiveKind.F32, Value.F32) or (PrimitiveKind.F64, Value.F64) or (PrimitiveKind.Char, Value.Char)
            or (PrimitiveKind.String, Value.String) => true,
        _ => false,
    };

    private static string Expected(ClayType type, Value value) => $"expected {WitPrinter.PrintType(type)}, got {Describe(value)}";

    private static string Describe(Value value) => value switch
    {
        Value.Bool => "bool",
        Value.S8 => "s8",
        Value.S16 => "s16",
        Value.S32 => "s32",
        Value.S64 => "s64",
        Value.U8 => "u8",
        Value.U16 => "u16",
        Value.U32 => "u32",
        Value.U64 => "u64",
        Value.F32 => "f32",
        Value.F64 => "f64",
        Value.Char => "char",
        Value.String => "string",
        Value.List => "a list",
        Value.Option => "an option",
        Value.Result => "a result",
        Value.Tuple => "a tuple",
        Value.Record => "a record",
        Value.Variant v => $"variant case {v.Case}",
        Value.Enum e => $"enum case {e.Case}",
        Value.Flags => "flags",
        _ => value.GetType().Name,
    };
}
