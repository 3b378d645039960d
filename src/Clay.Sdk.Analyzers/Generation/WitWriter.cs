using System.Linq;
using System.Text;

namespace Clay.Sdk.Analyzers.Generation;

/// <summary>The interface as WIT-like text, character for character what the runtime's printer writes.</summary>
internal static class WitWriter
{
    public static string Type(Shape shape) => shape switch
    {
        Shape.Primitive p => p.Wit,
        Shape.List l => $"list<{Type(l.Element)}>",
        Shape.Option o => $"option<{Type(o.Inner)}>",
        Shape.Result { Ok: null, Error: null } => "result",
        Shape.Result { Error: null } r => $"result<{Type(r.Ok!)}>",
        Shape.Result r => $"result<{(r.Ok is null ? "_" : Type(r.Ok))}, {Type(r.Error!)}>",
        Shape.Tuple t => $"tuple<{string.Join(", ", t.Elements.Select(Type))}>",
        _ => shape.NamedAs!,
    };

    public static string Signature(FunctionShape function) =>
        $"{function.Name}({string.Join(", ", function.Parameters.Select(p => $"{p.Name}: {Type(p.Type)}"))})"
        + (function.Result is null ? "" : $" -> {Type(function.Result)}");

    public static string Interface(WorkerShape worker)
    {
        var text = new StringBuilder();
        text.Append("interface ").Append(worker.InterfaceName).Append(" {\n");
        foreach (var type in worker.NamedTypes) Definition(text, type).Append("\n\n");
        foreach (var function in worker.Functions)
        {
            text.Append("  ").Append(function.Name).Append(": func(")
                .Append(string.Join(", ", function.Parameters.Select(p => $"{p.Name}: {Type(p.Type)}"))).Append(')');
            if (function.Result is not null) text.Append(" -> ").Append(Type(function.Result));
            text.Append(";\n");
        }
        return text.Append('}').ToString();
    }

    private static StringBuilder Definition(StringBuilder text, Shape type)
    {
        const string pad = "  ";
        const string inner = "    ";
        switch (type)
        {
            case Shape.Record r:
                text.Append(pad).Append("record ").Append(r.Name).Append(" {\n");
                foreach (var field in r.Fields) text.Append(inner).Append(field.Name).Append(": ").Append(Type(field.Type)).Append(",\n");
                break;
            case Shape.Variant v:
                text.Append(pad).Append("variant ").Append(v.Name).Append(" {\n");
                foreach (var c in v.Cases)
                {
                    text.Append(inner).Append(c.Name);
                    if (c.Payload is not null) text.Append('(').Append(Type(c.Payload)).Append(')');
                    text.Append(",\n");
                }
                break;
            case Shape.Enum e:
                text.Append(pad).Append("enum ").Append(e.Name).Append(" {\n");
                foreach (var c in e.Cases) text.Append(inner).Append(c.Name).Append(",\n");
                break;
            case Shape.Flags f:
                text.Append(pad).Append("flags ").Append(f.Name).Append(" {\n");
                foreach (var flag in f.Bits) text.Append(inner).Append(flag.Name).Append(",\n");
                break;
        }
        return text.Append(pad).Append('}');
    }
}
