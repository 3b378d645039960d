using System.Collections.Concurrent;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using Clay.Sdk;

namespace Clay.Runtime.Snapshots;

/// <summary>
/// Saves and restores a worker instance's state for snapshots. A worker that implements
/// <see cref="ISnapshotable"/> does it itself (format <c>custom</c>); otherwise its instance fields
/// — private ones included, the <see cref="WorkerContext"/> and delegates excluded — are written as
/// one JSON object, each field with System.Text.Json (format <c>fields-json/1</c>).
/// </summary>
public static class WorkerSnapshots
{
    /// <summary>The format of <see cref="ISnapshotable"/> snapshots.</summary>
    public const string CustomFormat = "custom";

    /// <summary>The format of field-by-field JSON snapshots.</summary>
    public const string FieldsFormat = "fields-json/1";

    private static readonly JsonSerializerOptions Json = new() { IncludeFields = true };
    private static readonly ConcurrentDictionary<Type, FieldInfo[]> Fields = new();

    /// <summary>
    /// Saves the state. The field format is checked by reading it back before it is accepted, so a
    /// saved snapshot is one that loads.
    /// </summary>
    /// <exception cref="SnapshotException">The state cannot be saved (a field type JSON cannot round-trip).</exception>
    public static (string Format, byte[] Data) Save(object instance)
    {
        ArgumentNullException.ThrowIfNull(instance);
        if (instance is ISnapshotable custom) return (CustomFormat, custom.SaveSnapshot());
        try
        {
            var state = new JsonObject();
            foreach (var field in FieldsOf(instance.GetType()))
            {
                state[field.Name] = JsonSerializer.SerializeToNode(field.GetValue(instance), field.FieldType, Json);
            }
            var data = JsonSerializer.SerializeToUtf8Bytes(state, Json);
            _ = Parse(instance.GetType(), data);
            return (FieldsFormat, data);
        }
        catch (Exception ex) when (ex is JsonException or NotSupportedException or InvalidOperationException or ArgumentException)
        {
            throw new SnapshotException($"the state of {instance.GetType().Name} cannot be saved as JSON: {ex.Message}", ex);
        }
    }

    /// <summary>Restores a snapshot into a freshly constructed instance.</summary>
    /// <exception cref="SnapshotException">The snapshot cannot be loaded.</exception>
    public static void Load(object instance, string format, byte[] data)
    {
        ArgumentNullException.ThrowIfNull(instance);
        try
        {
            switch (format)
            {
                case CustomFormat when instance is ISnapshotable custom:
                    custom.LoadSnapshot(data);
                    return;
                case FieldsFormat:
                    foreach (var (field, value) in Parse(instance.GetType(), data)) field.SetValue(instance, value);
                    return;
                default:
                    throw new SnapshotException($"{instance.GetType().Name} cannot load a snapshot in format '{format}'");
            }
        }
        catch (SnapshotException)
        {
            throw;
        }
        catch (Exception ex)
        {
            throw new SnapshotException($"the snapshot of {instance.GetType().Name} could not be loaded: {ex.GetType().Name}: {ex.Message}", ex);
        }
    }

    private static List<(FieldInfo Field, object? Value)> Parse(Type type, byte[] data)
    {
        var state = JsonNode.Parse(data) as JsonObject ?? throw new SnapshotException("the snapshot is not a JSON object");
        var values = new List<(FieldInfo, object?)>();
        foreach (var field in FieldsOf(type))
        {
            if (!state.TryGetPropertyValue(field.Name, out var node)) throw new SnapshotException($"the snapshot has no field {field.Name}");
            values.Add((field, node is null ? null : node.Deserialize(field.FieldType, Json)));
        }
        return values;
    }

    private static FieldInfo[] FieldsOf(Type type) => Fields.GetOrAdd(type, static t =>
    {
        var fields = new List<FieldInfo>();
        for (var current = t; current is not null && current != typeof(object); current = current.BaseType)
        {
            fields.AddRange(current.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly)
                .Where(f => !typeof(WorkerContext).IsAssignableFrom(f.FieldType) && !typeof(Delegate).IsAssignableFrom(f.FieldType)));
        }
        return [.. fields];
    });
}

/// <summary>A snapshot that cannot be saved or loaded; recovery falls back to a full replay.</summary>
public sealed class SnapshotException(string message, Exception? inner = null) : Exception(message, inner);
