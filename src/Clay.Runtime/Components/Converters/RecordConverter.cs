using Clay.Runtime.Types;
using Clay.Runtime.Values;

namespace Clay.Runtime.Components.Converters;

/// <summary>A record type for a .NET record or class with public properties.</summary>
internal sealed class RecordConverter : ValueConverter
{
    private readonly RecordMember[] _members;
    private readonly Func<object?[], object> _create;

    public RecordConverter(string name, RecordMember[] members, Func<object?[], object> create)
        : base(new ClayType.Record(name, members.Select(m => new Field(m.Name, m.Converter.Type)).ToArray()))
    {
        _members = members;
        _create = create;
    }

    public override Value ToValue(object? obj)
    {
        var fields = new RecordField[_members.Length];
        for (var i = 0; i < fields.Length; i++) fields[i] = new RecordField(_members[i].Name, _members[i].Converter.ToValue(_members[i].Get(obj!)));
        return new Value.Record(fields);
    }

    public override object? FromValue(Value value)
    {
        if (value is not Value.Record record) throw Mismatch(value);
        var args = new object?[_members.Length];
        var fields = record.Fields;
        for (var i = 0; i < _members.Length; i++)
        {
            // Fields usually arrive in declaration order; fall back to a search by name.
            var field = i < fields.Count && fields[i].Name == _members[i].Name ? fields[i] : FindField(fields, _members[i].Name);
            if (field is null)
            {
                if (_members[i].Converter is OptionConverter) continue;
                throw new ValueMismatchException($"missing field '{_members[i].Name}' in record {((ClayType.Record)Type).Name}");
            }
            args[i] = _members[i].Converter.FromValue(field.Value);
        }
        if (fields.Count > _members.Length) throw new ValueMismatchException($"record {((ClayType.Record)Type).Name} has {_members.Length} fields, got {fields.Count}");
        return _create(args);
    }

    private static RecordField? FindField(EquatableArray<RecordField> fields, string name)
    {
        foreach (var field in fields) if (field.Name == name) return field;
        return null;
    }
}

/// <summary>One field of a record: its name, how to read it from the object, and its converter.</summary>
internal sealed record RecordMember(string Name, Func<object, object?> Get, ValueConverter Converter);
