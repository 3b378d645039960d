using System.Reflection.Metadata;

namespace Clay.Server.Components.Inspection;

/// <summary>
/// Names a method as its author wrote it: the async method behind a state machine's
/// <c>MoveNext</c>, the method a lambda or local function sits in, the nesting of types.
/// </summary>
internal static class CallerNames
{
    /// <summary><c>Namespace.Type.Method</c>, with compiler-generated parts folded back into what the source calls them.</summary>
    public static string Of(MetadataReader reader, TypeDefinition type, MethodDefinition method)
    {
        var methodName = reader.GetString(method.Name);
        var suffix = "";
        // Lambdas (<Run>b__0_0) and local functions (<Run>g__Local|0_0) are named after their method.
        if (Generated(methodName) is { } inner)
        {
            suffix = methodName.Contains(">g__", StringComparison.Ordinal) ? " (a local function)" : " (a lambda)";
            methodName = inner;
        }
        // Closures (<>c, <>c__DisplayClass0_0) and state machines (<RunAsync>d__3) live in a nested type.
        while (Generated(reader.GetString(type.Name)) is { } outerMethod && !type.GetDeclaringType().IsNil)
        {
            if (outerMethod.Length > 0 && methodName is "MoveNext" or "SetStateMachine") methodName = outerMethod;
            type = reader.GetTypeDefinition(type.GetDeclaringType());
        }
        return $"{TypeName(reader, type)}.{methodName}{suffix}";
    }

    /// <summary>The full name of a type definition, nested types joined with '+'.</summary>
    public static string TypeName(MetadataReader reader, TypeDefinition type)
    {
        var name = reader.GetString(type.Name);
        if (!type.GetDeclaringType().IsNil) return TypeName(reader, reader.GetTypeDefinition(type.GetDeclaringType())) + "+" + name;
        var ns = reader.GetString(type.Namespace);
        return ns.Length == 0 ? name : ns + "." + name;
    }

    /// <summary>For a compiler-generated name (<c>&lt;Run&gt;…</c>), the source name inside the brackets ("" for <c>&lt;&gt;c</c>); else null.</summary>
    private static string? Generated(string name)
    {
        if (!name.StartsWith('<')) return null;
        var close = name.IndexOf('>', StringComparison.Ordinal);
        return close < 0 ? null : name[1..close];
    }
}
