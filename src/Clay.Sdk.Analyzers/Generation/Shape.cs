using System.Collections.Generic;

namespace Clay.Sdk.Analyzers.Generation;

/// <summary>
/// How one .NET type maps to an interface type, as the generator found it: what the WIT text and
/// the generated descriptors are written from. <see cref="Clr"/> is the type as C# code names it
/// (with nullable annotations) and <see cref="TypeOf"/> as <c>typeof</c> accepts it.
/// </summary>
internal abstract record Shape(string Clr, string TypeOf)
{
    /// <summary>bool, integers, floats, char, Rune, string; <paramref name="Wit"/> is the interface name (<c>u32</c>).</summary>
    public sealed record Primitive(string Clr, string TypeOf, string Wit) : Shape(Clr, TypeOf);

    /// <summary><c>list&lt;T&gt;</c>; <paramref name="Kind"/> is the SDK's ListKind member.</summary>
    public sealed record List(string Clr, string TypeOf, Shape Element, string Kind) : Shape(Clr, TypeOf);

    /// <summary><c>option&lt;T&gt;</c>.</summary>
    public sealed record Option(string Clr, string TypeOf, Shape Inner) : Shape(Clr, TypeOf);

    /// <summary><c>result&lt;T, E&gt;</c>; a null side is <c>Unit</c>.</summary>
    public sealed record Result(string Clr, string TypeOf, string OkClr, string ErrorClr, Shape? Ok, Shape? Error) : Shape(Clr, TypeOf);

    /// <summary><c>tuple&lt;…&gt;</c>.</summary>
    public sealed record Tuple(string Clr, string TypeOf, IReadOnlyList<Shape> Elements) : Shape(Clr, TypeOf);

    /// <summary>A named record; built by <paramref name="Construction"/>.</summary>
    public sealed record Record(string Clr, string TypeOf, string Name, IReadOnlyList<Field> Fields, Construction Construction) : Shape(Clr, TypeOf);

    /// <summary>A named variant.</summary>
    public sealed record Variant(string Clr, string TypeOf, string Name, IReadOnlyList<Case> Cases) : Shape(Clr, TypeOf);

    /// <summary>A named enum; each case is (interface name, C# member name).</summary>
    public sealed record Enum(string Clr, string TypeOf, string Name, IReadOnlyList<(string Name, string Member)> Cases) : Shape(Clr, TypeOf);

    /// <summary>A named set of flags; each flag is (interface name, bit).</summary>
    public sealed record Flags(string Clr, string TypeOf, string Name, IReadOnlyList<(string Name, ulong Bit)> Bits) : Shape(Clr, TypeOf);

    /// <summary>The interface name of a named type, or null.</summary>
    public string? NamedAs => this switch
    {
        Record r => r.Name,
        Variant v => v.Name,
        Enum e => e.Name,
        Flags f => f.Name,
        _ => null,
    };
}

/// <summary>A record field: interface name, C# property name, type.</summary>
internal sealed record Field(string Name, string Property, Shape Type);

/// <summary>
/// How a record or case is built from its field values in order: a constructor taking them in
/// <paramref name="ArgumentOrder"/> (index into the fields for each parameter, with the parameter's
/// C# type), or an object initializer when <paramref name="ArgumentOrder"/> is null.
/// </summary>
internal sealed record Construction(IReadOnlyList<(int Field, string Clr)>? ArgumentOrder);

/// <summary>
/// A variant case: interface name, the case class, and its payload: none, one property, or a
/// record of several (<see cref="Case.PayloadRecord"/>).
/// </summary>
internal sealed record Case(string Name, string Clr, string TypeOf, Shape? Payload, string? PayloadProperty, Construction? Construction)
{
    /// <summary>True when the payload is the case itself, as a record of its properties.</summary>
    public bool PayloadRecord => Payload is Shape.Record && PayloadProperty is null;
}
