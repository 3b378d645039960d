using System.Collections.Immutable;

namespace Clay.Runtime.Types;

/// <summary>
/// A type of Clay's interface model (the WIT value types). A closed hierarchy: every case is a
/// sealed record nested here, and code that switches over it has no default arm.
/// </summary>
public abstract record ClayType
{
    private ClayType() { }

    /// <summary>A primitive: bool, integers, floats, char, string.</summary>
    public sealed record Primitive(PrimitiveKind Kind) : ClayType;

    /// <summary><c>list&lt;T&gt;</c>.</summary>
    public sealed record List(ClayType Element) : ClayType;

    /// <summary><c>option&lt;T&gt;</c>.</summary>
    public sealed record Option(ClayType Inner) : ClayType;

    /// <summary><c>result&lt;T, E&gt;</c>; either side may be absent (<c>result&lt;_, E&gt;</c>, <c>result</c>).</summary>
    public sealed record Result(ClayType? Ok, ClayType? Err) : ClayType;

    /// <summary><c>tuple&lt;…&gt;</c>.</summary>
    public sealed record Tuple(EquatableArray<ClayType> Elements) : ClayType;

    /// <summary>A named record with ordered fields.</summary>
    public sealed record Record(string Name, EquatableArray<Field> Fields) : ClayType;

    /// <summary>A named variant; a case may carry a payload.</summary>
    public sealed record Variant(string Name, EquatableArray<Case> Cases) : ClayType;

    /// <summary>A named enum.</summary>
    public sealed record Enum(string Name, EquatableArray<string> Cases) : ClayType;

    /// <summary>A named set of flags.</summary>
    public sealed record Flags(string Name, EquatableArray<string> Names) : ClayType;

    /// <summary>The shared instances of the primitive types.</summary>
    public static readonly Primitive Bool = new(PrimitiveKind.Bool);
    /// <summary><c>s8</c>.</summary>
    public static readonly Primitive S8 = new(PrimitiveKind.S8);
    /// <summary><c>s16</c>.</summary>
    public static readonly Primitive S16 = new(PrimitiveKind.S16);
    /// <summary><c>s32</c>.</summary>
    public static readonly Primitive S32 = new(PrimitiveKind.S32);
    /// <summary><c>s64</c>.</summary>
    public static readonly Primitive S64 = new(PrimitiveKind.S64);
    /// <summary><c>u8</c>.</summary>
    public static readonly Primitive U8 = new(PrimitiveKind.U8);
    /// <summary><c>u16</c>.</summary>
    public static readonly Primitive U16 = new(PrimitiveKind.U16);
    /// <summary><c>u32</c>.</summary>
    public static readonly Primitive U32 = new(PrimitiveKind.U32);
    /// <summary><c>u64</c>.</summary>
    public static readonly Primitive U64 = new(PrimitiveKind.U64);
    /// <summary><c>f32</c>.</summary>
    public static readonly Primitive F32 = new(PrimitiveKind.F32);
    /// <summary><c>f64</c>.</summary>
    public static readonly Primitive F64 = new(PrimitiveKind.F64);
    /// <summary><c>char</c>.</summary>
    public static readonly Primitive Char = new(PrimitiveKind.Char);
    /// <summary><c>string</c>.</summary>
    public static readonly Primitive String = new(PrimitiveKind.String);
}

/// <summary>The primitive types.</summary>
public enum PrimitiveKind
{
    /// <summary><c>bool</c></summary>
    Bool,
    /// <summary><c>s8</c></summary>
    S8,
    /// <summary><c>s16</c></summary>
    S16,
    /// <summary><c>s32</c></summary>
    S32,
    /// <summary><c>s64</c></summary>
    S64,
    /// <summary><c>u8</c></summary>
    U8,
    /// <summary><c>u16</c></summary>
    U16,
    /// <summary><c>u32</c></summary>
    U32,
    /// <summary><c>u64</c></summary>
    U64,
    /// <summary><c>f32</c></summary>
    F32,
    /// <summary><c>f64</c></summary>
    F64,
    /// <summary><c>char</c></summary>
    Char,
    /// <summary><c>string</c></summary>
    String,
}

/// <summary>A record field.</summary>
/// <param name="Name">Kebab-case name.</param>
/// <param name="Type">The field's type.</param>
public sealed record Field(string Name, ClayType Type);

/// <summary>A variant case.</summary>
/// <param name="Name">Kebab-case name.</param>
/// <param name="Payload">The payload type, or null for a case without one.</param>
public sealed record Case(string Name, ClayType? Payload);
