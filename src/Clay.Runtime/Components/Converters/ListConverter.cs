using System.Collections.Immutable;
using Clay.Runtime.Types;
using Clay.Runtime.Values;

namespace Clay.Runtime.Components.Converters;

/// <summary>The .NET shapes that map to <c>list&lt;T&gt;</c>.</summary>
internal enum ListShape
{
    Array,
    List,
    ImmutableArray,
}

/// <summary><c>list&lt;T&gt;</c> for arrays, lists and the list interfaces.</summary>
internal sealed class ListConverter<T>(ValueConverter element, ListShape shape) : ValueConverter(new ClayType.List(element.Type))
{
    public override Value ToValue(object? obj)
    {
        var items = obj switch
        {
            T[] array => Convert(array),
            List<T> list => Convert(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(list)),
            ImmutableArray<T> immutable => Convert(immutable.AsSpan()),
            IEnumerable<T> sequence => sequence.Select(i => element.ToValue(i)).ToArray(),
            null => throw new InvalidOperationException("a list was null"),
            _ => throw new InvalidOperationException($"unexpected list object {obj.GetType()}"),
        };
        return new Value.List(items);
    }

    private Value[] Convert(ReadOnlySpan<T> items)
    {
        var values = new Value[items.Length];
        for (var i = 0; i < items.Length; i++) values[i] = element.ToValue(items[i]);
        return values;
    }

    public override object? FromValue(Value value)
    {
        if (value is not Value.List list) throw Mismatch(value);
        var items = new T[list.Items.Count];
        for (var i = 0; i < items.Length; i++) items[i] = (T)element.FromValue(list.Items[i])!;
        return shape switch
        {
            ListShape.Array => items,
            ListShape.List => new List<T>(items),
            ListShape.ImmutableArray => ImmutableArray.Create(items),
            _ => throw new InvalidOperationException(),
        };
    }
}
