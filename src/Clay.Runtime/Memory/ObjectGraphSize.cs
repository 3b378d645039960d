using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.CompilerServices;
using Clay.Sdk;

namespace Clay.Runtime.Memory;

/// <summary>
/// Estimates the bytes a worker instance holds: the managed objects reachable from it (its
/// fields, their lists, strings, records…), counted once each, the way the runtime lays them out
/// on 64-bit (header and method table, fields, array elements). The worker's
/// <see cref="WorkerContext"/>, delegates, reflection objects and static state are not counted.
/// </summary>
/// <remarks>
/// It is an estimate, not a heap dump: it is what <c>clay worker get</c> shows as the worker's
/// memory, what <c>grow-memory</c> entries record, and what residency budgets against. The walk is
/// bounded by <see cref="MaxObjects"/>; a graph larger than that is extrapolated.
/// </remarks>
public static class ObjectGraphSize
{
    /// <summary>The most objects one measurement visits.</summary>
    public const int MaxObjects = 1_000_000;

    private const int ObjectHeader = 16;
    private const int ArrayHeader = 24;
    private static readonly ConcurrentDictionary<Type, TypeLayout> Layouts = new();

    /// <summary>The result of one measurement.</summary>
    /// <param name="Bytes">Estimated bytes.</param>
    /// <param name="Objects">Objects visited.</param>
    public readonly record struct Measurement(long Bytes, int Objects);

    /// <summary>Measures the graph reachable from <paramref name="root"/>.</summary>
    public static Measurement Measure(object? root)
    {
        if (root is null) return new Measurement(0, 0);
        // A small worker is measured after every invocation: its walk reuses this thread's set and stack.
        var visited = t_visited ?? new HashSet<object>(ReferenceEqualityComparer.Instance);
        var pending = t_pending ?? new Stack<object>();
        t_visited = null;
        t_pending = null;
        try
        {
            return Walk(root, visited, pending);
        }
        finally
        {
            // A large graph's set is let go rather than kept by the thread.
            if (visited.Count <= ReusedSetLimit)
            {
                visited.Clear();
                pending.Clear();
                t_visited = visited;
                t_pending = pending;
            }
        }
    }

    /// <summary>The most objects a walk may have visited for its set to be kept for the next one on the thread.</summary>
    private const int ReusedSetLimit = 4096;

    [ThreadStatic] private static HashSet<object>? t_visited;
    [ThreadStatic] private static Stack<object>? t_pending;

    private static Measurement Walk(object root, HashSet<object> visited, Stack<object> pending)
    {
        pending.Push(root);
        visited.Add(root);
        long bytes = 0;
        while (pending.Count > 0)
        {
            if (visited.Count > MaxObjects)
            {
                // Extrapolate from what was seen rather than walking on.
                bytes = bytes * (visited.Count + pending.Count) / Math.Max(1, visited.Count - pending.Count);
                break;
            }
            var current = pending.Pop();
            bytes += SizeOf(current, visited, pending);
        }
        return new Measurement(bytes, visited.Count);
    }

    private static long SizeOf(object value, HashSet<object> visited, Stack<object> pending)
    {
        switch (value)
        {
            case string s:
                return Align(ObjectHeader + 4 + 2L * (s.Length + 1));
            case Array array:
            {
                var element = array.GetType().GetElementType()!;
                if (!element.IsValueType)
                {
                    // Any array of references is an object[] (array covariance): walked without an enumerator.
                    foreach (var item in (object?[])array) Enqueue(item, visited, pending);
                    return Align(ArrayHeader + 8L * array.LongLength);
                }
                var layout = Layouts.GetOrAdd(element, Layout);
                if (layout.References.Length > 0)
                {
                    foreach (var item in array)
                    {
                        foreach (var field in layout.References) Enqueue(field.GetValue(item), visited, pending);
                    }
                }
                return Align(ArrayHeader + (long)layout.Size * array.LongLength);
            }
            default:
            {
                var layout = Layouts.GetOrAdd(value.GetType(), Layout);
                if (layout.Skip) return 0;
                foreach (var field in layout.References) Enqueue(field.GetValue(value), visited, pending);
                return Align(ObjectHeader + Math.Max(8, layout.Size));
            }
        }
    }

    private static void Enqueue(object? value, HashSet<object> visited, Stack<object> pending)
    {
        if (value is null || value is WorkerContext || value is Delegate || value is MemberInfo || value is Type) return;
        if (visited.Add(value)) pending.Push(value);
    }

    private static long Align(long size) => (size + 7) & ~7L;

    /// <summary>How to size one type: its field bytes and the fields holding references (also inside structs).</summary>
    private sealed record TypeLayout(int Size, FieldInfo[] References, bool Skip);

    private static TypeLayout Layout(Type type)
    {
        if (typeof(WorkerContext).IsAssignableFrom(type) || typeof(Delegate).IsAssignableFrom(type)) return new TypeLayout(0, [], Skip: true);
        var size = 0;
        var references = new List<FieldInfo>();
        for (var t = type; t is not null && t != typeof(object) && t != typeof(ValueType); t = t.BaseType)
        {
            foreach (var field in t.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
            {
                var fieldType = field.FieldType;
                if (fieldType.IsPointer || fieldType.IsByRef) continue;
                if (!fieldType.IsValueType)
                {
                    size += 8;
                    references.Add(field);
                }
                else if (fieldType.IsPrimitive || fieldType.IsEnum)
                {
                    size += PrimitiveSize(fieldType.IsEnum ? Enum.GetUnderlyingType(fieldType) : fieldType);
                }
                else
                {
                    // A struct: its own fields are inline; references inside it are followed through a boxed copy.
                    var inner = Layouts.GetOrAdd(fieldType, Layout);
                    size += inner.Size;
                    if (inner.References.Length > 0) references.Add(field);
                }
            }
        }
        return new TypeLayout(size, [.. references], Skip: false);
    }

    private static int PrimitiveSize(Type type) =>
        type == typeof(bool) || type == typeof(byte) || type == typeof(sbyte) ? 1
        : type == typeof(char) || type == typeof(short) || type == typeof(ushort) ? 2
        : type == typeof(int) || type == typeof(uint) || type == typeof(float) ? 4
        : Unsafe.SizeOf<long>();
}
