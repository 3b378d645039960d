using System.Text;
using System.Text.Json;
using Clay.Runtime.Errors;
using Clay.Runtime.Types;

namespace Clay.Runtime.Values;

/// <summary>
/// The JSON form of values used by the REST API. Booleans, numbers and strings are themselves
/// (a char is a one-character string; <c>nan</c>, <c>inf</c>, <c>-inf</c> are strings); lists and
/// tuples are arrays; records are objects keyed by field name; an option is <c>null</c> or its
/// value (<c>{"some": x}</c> when the value is itself an option); a result is <c>{"ok": x}</c> or
/// <c>{"err": e}</c> (<c>null</c> for an absent payload); a variant case is
/// <c>{"case": payload}</c> or <c>"case"</c> without payload; an enum is its case name; flags
/// are an array of the set names.
/// </summary>
public static class ValueJson
{
    /// <summary>Writes one value.</summary>
    public static void Write(Utf8JsonWriter writer, Value value)
    {
        ArgumentNullException.ThrowIfNull(writer);
        switch (value)
        {
            case Value.Bool v: writer.WriteBooleanValue(v.V); break;
            case Value.S8 v: writer.WriteNumberValue(v.V); break;
            case Value.S16 v: writer.WriteNumberValue(v.V); break;
            case Value.S32 v: writer.WriteNumberValue(v.V); break;
            case Value.S64 v: writer.WriteNumberValue(v.V); break;
            case Value.U8 v: writer.WriteNumberValue(v.V); break;
            case Value.U16 v: writer.WriteNumberValue(v.V); break;
            case Value.U32 v: writer.WriteNumberValue(v.V); break;
            case Value.U64 v: writer.WriteNumberValue(v.V); break;
            case Value.F32 v: WriteFloat(writer, v.V); break;
            case Value.F64 v: WriteFloat(writer, v.V); break;
            case Value.Char v: writer.WriteStringValue(v.V.ToString()); break;
            case Value.String v: writer.WriteStringValue(v.V); break;
            case Value.List v: WriteArray(writer, v.Items); break;
            case Value.Tuple v: WriteArray(writer, v.Items); break;
            case Value.Option { Inner: null }: writer.WriteNullValue(); break;
            case Value.Option { Inner: Value.Option nested }:
                writer.WriteStartObject();
                writer.WritePropertyName("some");
                Write(writer, nested);
                writer.WriteEndObject();
                break;
            case Value.Option { Inner: { } inner }: Write(writer, inner); break;
            case Value.Result v: WriteTagged(writer, v.IsOk ? "ok" : "err", v.Payload); break;
            case Value.Record v:
                writer.WriteStartObject();
                foreach (var field in v.Fields)
                {
                    writer.WritePropertyName(field.Name);
                    Write(writer, field.Value);
                }
                writer.WriteEndObject();
                break;
            case Value.Variant { Payload: null } v: writer.WriteStringValue(v.Case); break;
            case Value.Variant v: WriteTagged(writer, v.Case, v.Payload); break;
            case Value.Enum v: writer.WriteStringValue(v.Case); break;
            case Value.Flags v:
                writer.WriteStartArray();
                foreach (var name in v.Names) writer.WriteStringValue(name);
                writer.WriteEndArray();
                break;
            default:
                throw new InvalidOperationException($"Unknown value kind {value.GetType().Name}.");
        }
    }

    /// <summary>The JSON text of one value.</summary>
    public static string ToJson(Value value)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer)) Write(writer, value);
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>Reads a value of <paramref name="type"/> from its JSON form.</summary>
    /// <exception cref="ClayException">With code <c>invalid-json-value</c>, naming the JSON path.</exception>
    public static Value Read(JsonElement json, ClayType type) => Read(json, type, "$");

    private static Value Read(JsonElement json, ClayType type, string path)
    {
        switch (type)
        {
            case ClayType.Primitive p:
                return ReadPrimitive(json, p.Kind, path);
            case ClayType.List list:
                Expect(json, JsonValueKind.Array, path, WitPrinter.PrintType(type));
                return new Value.List(json.EnumerateArray().Select((item, i) => Read(item, list.Element, $"{path}[{i}]")).ToArray());
            case ClayType.Tuple tuple:
                Expect(json, JsonValueKind.Array, path, WitPrinter.PrintType(type));
                if (json.GetArrayLength() != tuple.Elements.Length)
                    throw Error(path, $"expected {tuple.Elements.Length} tuple elements, found {json.GetArrayLength()}");
                return new Value.Tuple(json.EnumerateArray().Select((item, i) => Read(item, tuple.Elements[i], $"{path}[{i}]")).ToArray());
            case ClayType.Option option:
                if (json.ValueKind == JsonValueKind.Null) return Value.None;
                if (option.Inner is ClayType.Option)
                {
                    Expect(json, JsonValueKind.Object, path, "{\"some\": …} or null");
                    return new Value.Option(Read(Single(json, path, out var key), option.Inner, $"{path}.{key}"));
                }
                return new Value.Option(Read(json, option.Inner, path));
            case ClayType.Result result:
            {
                Expect(json, JsonValueKind.Object, path, "{\"ok\": …} or {\"err\": …}");
                var payload = Single(json, path, out var tag);
                var payloadType = tag switch
                {
                    "ok" => result.Ok,
                    "err" => result.Err,
                    _ => throw Error(path, $"expected \"ok\" or \"err\", found \"{tag}\""),
                };
                if (payloadType is null)
                {
                    if (payload.ValueKind != JsonValueKind.Null) throw Error($"{path}.{tag}", $"{tag} of this result carries no value");
                    return new Value.Result(tag == "ok", null);
                }
                return new Value.Result(tag == "ok", Read(payload, payloadType, $"{path}.{tag}"));
            }
            case ClayType.Record record:
            {
                Expect(json, JsonValueKind.Object, path, $"record {record.Name}");
                var fields = new RecordField[record.Fields.Length];
                foreach (var property in json.EnumerateObject())
                {
                    if (!record.Fields.Any(f => f.Name == property.Name))
                        throw Error(path, $"record {record.Name} has no field '{property.Name}'");
                }
                for (var i = 0; i < fields.Length; i++)
                {
                    var field = record.Fields[i];
                    if (json.TryGetProperty(field.Name, out var item)) fields[i] = new RecordField(field.Name, Read(item, field.Type, $"{path}.{field.Name}"));
                    else if (field.Type is ClayType.Option) fields[i] = new RecordField(field.Name, Value.None);
                    else throw Error(path, $"record {record.Name} is missing field '{field.Name}'");
                }
                return new Value.Record(fields);
            }
            case ClayType.Variant variant:
            {
                string name;
                JsonElement? payload = null;
                if (json.ValueKind == JsonValueKind.String) name = json.GetString()!;
                else if (json.ValueKind == JsonValueKind.Object) payload = Single(json, path, out name);
                else throw Error(path, $"expected a case of variant {variant.Name}, found {Describe(json)}");
                var c = variant.Cases.FirstOrDefault(c => c.Name == name)
                        ?? throw Error(path, $"variant {variant.Name} has no case '{name}' ({string.Join(", ", variant.Cases.Select(x => x.Name))})");
                if (c.Payload is null)
                {
                    if (payload is { ValueKind: not JsonValueKind.Null }) throw Error(path, $"case '{name}' carries no value");
                    return new Value.Variant(c.Name, null);
                }
                if (payload is null) throw Error(path, $"case '{name}' needs a value: {{\"{name}\": …}}");
                return new Value.Variant(c.Name, Read(payload.Value, c.Payload, $"{path}.{name}"));
            }
            case ClayType.Enum e:
            {
                Expect(json, JsonValueKind.String, path, $"enum {e.Name}");
                var name = json.GetString()!;
                return e.Cases.Contains(name) ? new Value.Enum(name) : throw Error(path, $"enum {e.Name} has no case '{name}' ({string.Join(", ", e.Cases)})");
            }
            case ClayType.Flags flags:
            {
                Expect(json, JsonValueKind.Array, path, $"flags {flags.Name}");
                var set = new HashSet<string>(StringComparer.Ordinal);
                foreach (var item in json.EnumerateArray())
                {
                    var name = item.ValueKind == JsonValueKind.String ? item.GetString()! : throw Error(path, $"expected flag names, found {Describe(item)}");
                    if (!flags.Names.Contains(name)) throw Error(path, $"{flags.Name} has no flag '{name}'");
                    set.Add(name);
                }
                return new Value.Flags(flags.Names.Where(set.Contains).ToArray());
            }
            default:
                throw new InvalidOperationException($"Unknown type {type}.");
        }
    }

    private static Value ReadPrimitive(JsonElement json, PrimitiveKind kind, string path)
    {
        var name = kind.ToString().ToLowerInvariant();
        switch (kind)
        {
            case PrimitiveKind.Bool:
                return json.ValueKind switch
                {
                    JsonValueKind.True => Value.True,
                    JsonValueKind.False => Value.False,
                    _ => throw Error(path, $"expected bool, found {Describe(json)}"),
                };
            case PrimitiveKind.String:
                Expect(json, JsonValueKind.String, path, "string");
                return new Value.String(json.GetString()!);
            case PrimitiveKind.Char:
            {
                Expect(json, JsonValueKind.String, path, "char");
                var s = json.GetString()!;
                if (Rune.DecodeFromUtf16(s, out var rune, out var used) != System.Buffers.OperationStatus.Done || used != s.Length)
                    throw Error(path, $"expected exactly one character, found \"{s}\"");
                return new Value.Char(rune);
            }
            case PrimitiveKind.F32:
            case PrimitiveKind.F64:
            {
                double d;
                if (json.ValueKind == JsonValueKind.String)
                {
                    d = json.GetString() switch
                    {
                        "nan" => double.NaN,
                        "inf" => double.PositiveInfinity,
                        "-inf" => double.NegativeInfinity,
                        var other => throw Error(path, $"expected {name}, found \"{other}\""),
                    };
                }
                else if (json.ValueKind == JsonValueKind.Number) d = json.GetDouble();
                else throw Error(path, $"expected {name}, found {Describe(json)}");
                return kind == PrimitiveKind.F32 ? new Value.F32((float)d) : new Value.F64(d);
            }
            default:
            {
                if (json.ValueKind != JsonValueKind.Number) throw Error(path, $"expected {name}, found {Describe(json)}");
                var raw = json.GetRawText();
                var ok = kind switch
                {
                    PrimitiveKind.S8 => json.TryGetSByte(out _),
                    PrimitiveKind.S16 => json.TryGetInt16(out _),
                    PrimitiveKind.S32 => json.TryGetInt32(out _),
                    PrimitiveKind.S64 => json.TryGetInt64(out _),
                    PrimitiveKind.U8 => json.TryGetByte(out _),
                    PrimitiveKind.U16 => json.TryGetUInt16(out _),
                    PrimitiveKind.U32 => json.TryGetUInt32(out _),
                    _ => json.TryGetUInt64(out _),
                };
                if (!ok) throw Error(path, raw.AsSpan().ContainsAny('.', 'e', 'E') ? $"expected {name}, found float {raw}" : $"value {raw} out of range for {name}");
                return kind switch
                {
                    PrimitiveKind.S8 => new Value.S8(json.GetSByte()),
                    PrimitiveKind.S16 => new Value.S16(json.GetInt16()),
                    PrimitiveKind.S32 => new Value.S32(json.GetInt32()),
                    PrimitiveKind.S64 => new Value.S64(json.GetInt64()),
                    PrimitiveKind.U8 => new Value.U8(json.GetByte()),
                    PrimitiveKind.U16 => new Value.U16(json.GetUInt16()),
                    PrimitiveKind.U32 => new Value.U32(json.GetUInt32()),
                    _ => new Value.U64(json.GetUInt64()),
                };
            }
        }
    }

    private static JsonElement Single(JsonElement json, string path, out string name)
    {
        using var properties = json.EnumerateObject();
        if (!properties.MoveNext()) throw Error(path, "expected an object with one property, found {}");
        var first = properties.Current;
        if (properties.MoveNext()) throw Error(path, "expected an object with one property, found several");
        name = first.Name;
        return first.Value;
    }

    private static void Expect(JsonElement json, JsonValueKind kind, string path, string expected)
    {
        if (json.ValueKind != kind) throw Error(path, $"expected {expected}, found {Describe(json)}");
    }

    private static string Describe(JsonElement json) => json.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => $"\"{json.GetString()}\"",
        JsonValueKind.Null => "null",
        _ => json.GetRawText(),
    };

    private static ClayException Error(string path, string problem) => new(ErrorCodes.InvalidJsonValue, $"{path}: {problem}");

    private static void WriteFloat(Utf8JsonWriter writer, double value)
    {
        if (double.IsNaN(value)) writer.WriteStringValue("nan");
        else if (double.IsPositiveInfinity(value)) writer.WriteStringValue("inf");
        else if (double.IsNegativeInfinity(value)) writer.WriteStringValue("-inf");
        else writer.WriteNumberValue(value);
    }

    private static void WriteFloat(Utf8JsonWriter writer, float value)
    {
        if (float.IsFinite(value)) writer.WriteNumberValue(value);
        else WriteFloat(writer, (double)value);
    }

    private static void WriteArray(Utf8JsonWriter writer, EquatableArray<Value> items)
    {
        writer.WriteStartArray();
        foreach (var item in items) Write(writer, item);
        writer.WriteEndArray();
    }

    private static void WriteTagged(Utf8JsonWriter writer, string tag, Value? payload)
    {
        writer.WriteStartObject();
        writer.WritePropertyName(tag);
        if (payload is null) writer.WriteNullValue();
        else Write(writer, payload);
        writer.WriteEndObject();
    }
}
