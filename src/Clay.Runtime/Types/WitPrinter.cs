using System.Text;
using Clay.Runtime.Components;

namespace Clay.Runtime.Types;

/// <summary>Renders types and a component's exported interface as WIT-like text.</summary>
public static class WitPrinter
{
    /// <summary>A type reference: <c>list&lt;product-item&gt;</c>, <c>option&lt;u32&gt;</c>, <c>result&lt;_, string&gt;</c>; named types by name.</summary>
    public static string PrintType(ClayType type) => type switch
    {
        ClayType.Primitive p => p.Kind.ToString().ToLowerInvariant(),
        ClayType.List l => $"list<{PrintType(l.Element)}>",
        ClayType.Option o => $"option<{PrintType(o.Inner)}>",
        ClayType.Result { Ok: null, Err: null } => "result",
        ClayType.Result { Err: null } r => $"result<{PrintType(r.Ok!)}>",
        ClayType.Result r => $"result<{(r.Ok is null ? "_" : PrintType(r.Ok))}, {PrintType(r.Err!)}>",
        ClayType.Tuple t => $"tuple<{string.Join(", ", t.Elements.Select(PrintType))}>",
        ClayType.Record r => r.Name,
        ClayType.Variant v => v.Name,
        ClayType.Enum e => e.Name,
        ClayType.Flags f => f.Name,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type.GetType().Name, "unknown type"),
    };

    /// <summary>The definition of a named type, indented by <paramref name="indent"/> spaces.</summary>
    public static string PrintDefinition(ClayType type, int indent = 0)
    {
        var pad = new string(' ', indent);
        var inner = new string(' ', indent + 2);
        var text = new StringBuilder();
        switch (type)
        {
            case ClayType.Record r:
                text.Append(pad).Append("record ").Append(r.Name).AppendLine(" {");
                foreach (var field in r.Fields) text.Append(inner).Append(field.Name).Append(": ").Append(PrintType(field.Type)).AppendLine(",");
                break;
            case ClayType.Variant v:
                text.Append(pad).Append("variant ").Append(v.Name).AppendLine(" {");
                foreach (var c in v.Cases)
                {
                    text.Append(inner).Append(c.Name);
                    if (c.Payload is not null) text.Append('(').Append(PrintType(c.Payload)).Append(')');
                    text.AppendLine(",");
                }
                break;
            case ClayType.Enum e:
                text.Append(pad).Append("enum ").Append(e.Name).AppendLine(" {");
                foreach (var c in e.Cases) text.Append(inner).Append(c).AppendLine(",");
                break;
            case ClayType.Flags f:
                text.Append(pad).Append("flags ").Append(f.Name).AppendLine(" {");
                foreach (var name in f.Names) text.Append(inner).Append(name).AppendLine(",");
                break;
            default:
                throw new ArgumentException($"{PrintType(type)} is not a named type", nameof(type));
        }
        return text.Append(pad).Append('}').ToString();
    }

    /// <summary>The whole exported interface: named types, then functions.</summary>
    public static string Print(ComponentModel model)
    {
        var text = new StringBuilder();
        text.Append("interface ").Append(model.InterfaceName).AppendLine(" {");
        foreach (var type in model.NamedTypes) text.AppendLine(PrintDefinition(type, 2)).AppendLine();
        foreach (var function in model.Functions)
        {
            text.Append("  ").Append(function.Name).Append(": func(")
                .Append(string.Join(", ", function.Parameters.Select(p => $"{p.Name}: {PrintType(p.Type)}"))).Append(')');
            if (function.ResultType is not null) text.Append(" -> ").Append(PrintType(function.ResultType));
            text.AppendLine(";");
        }
        return text.Append('}').ToString();
    }
}
