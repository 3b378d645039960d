using System.Globalization;
using Clay.Runtime.Values;

namespace Clay.Runtime.Oplog.Display;

/// <summary>Collects the fields an entry shows and the values it carries, as each kind describes itself.</summary>
internal sealed class OplogEntryFields(Func<Value, string> print)
{
    public List<DisplayField> Fields { get; } = [];

    public List<Value> Values { get; } = [];

    public void Add(string name, string text) => Fields.Add(new DisplayField(name, text));

    public void Add(string name, long number) => Add(name, number.ToString(CultureInfo.InvariantCulture));

    public void Add(string name, DateTimeOffset time) =>
        Add(name, time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));

    public void AddValue(string name, Value? value)
    {
        if (value is not null) Values.Add(value);
        Add(name, value is null ? "(unit)" : print(value));
    }

    public void AddValues(string name, IReadOnlyList<Value> items)
    {
        Values.AddRange(items);
        Add(name, string.Join(", ", items.Select(print)));
    }
}
