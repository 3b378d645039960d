using System.Runtime.CompilerServices;
using Clay.Runtime.Types;
using Clay.Runtime.Values;

namespace Clay.Runtime.Components.Converters;

/// <summary><c>tuple&lt;…&gt;</c> for value tuples.</summary>
internal sealed class TupleConverter(ValueConverter[] elements, Func<object?[], object> create)
    : ValueConverter(new ClayType.Tuple(elements.Select(e => e.Type).ToArray()))
{
    public override Value ToValue(object? obj)
    {
        var tuple = (ITuple)obj!;
        var items = new Value[elements.Length];
        for (var i = 0; i < items.Length; i++) items[i] = elements[i].ToValue(tuple[i]);
        return new Value.Tuple(items);
    }

    public override object? FromValue(Value value)
    {
        if (value is not Value.Tuple tuple || tuple.Items.Count != elements.Length) throw Mismatch(value);
        var items = new object?[elements.Length];
        for (var i = 0; i < items.Length; i++) items[i] = elements[i].FromValue(tuple.Items[i]);
        return create(items);
    }
}
