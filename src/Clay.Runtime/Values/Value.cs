using System.Text;
using Clay.Runtime.Types;

namespace Clay.Runtime.Values;

/// <summary>
/// A value of Clay's interface model. Values are self-describing: records carry their field names,
/// variants and enums their case names, so an oplog can be read and printed without the component.
/// A closed hierarchy of sealed records; equality is structural.
/// </summary>
public abstract record Value
{
    private Value() { }

    /// <summary><c>bool</c></summary>
    public sealed record Bool(bool V) : Value;
    /// <summary><c>s8</c></summary>
    public sealed record S8(sbyte V) : Value;
    /// <summary><c>s16</c></summary>
    public sealed record S16(short V) : Value;
    /// <summary><c>s32</c></summary>
    public sealed record S32(int V) : Value;
    /// <summary><c>s64</c></summary>
    public sealed record S64(long V) : Value;
    /// <summary><c>u8</c></summary>
    public sealed record U8(byte V) : Value;
    /// <summary><c>u16</c></summary>
    public sealed record U16(ushort V) : Value;
    /// <summary><c>u32</c></summary>
    public sealed record U32(uint V) : Value;
    /// <summary><c>u64</c></summary>
    public sealed record U64(ulong V) : Value;

    /// <summary><c>f32</c>; NaN equals NaN so values compare structurally.</summary>
    public sealed record F32(float V) : Value
    {
        /// <inheritdoc/>
        public bool Equals(F32? other) => other is not null && V.Equals(other.V);
        /// <inheritdoc/>
        public override int GetHashCode() => V.GetHashCode();
    }

    /// <summary><c>f64</c>; NaN equals NaN so values compare structurally.</summary>
    public sealed record F64(double V) : Value
    {
        /// <inheritdoc/>
        public bool Equals(F64? other) => other is not null && V.Equals(other.V);
        /// <inheritdoc/>
        public override int GetHashCode() => V.GetHashCode();
    }

    /// <summary><c>char</c>: one Unicode scalar value.</summary>
    public sealed record Char(Rune V) : Value;

    /// <summary><c>string</c></summary>
    public sealed record String(string V) : Value;

    /// <summary><c>list&lt;T&gt;</c></summary>
    public sealed record List(EquatableArray<Value> Items) : Value;

    /// <summary><c>option&lt;T&gt;</c>: <c>some(x)</c> when <paramref name="Inner"/> is set, else <c>none</c>.</summary>
    public sealed record Option(Value? Inner) : Value;

    /// <summary><c>result&lt;T, E&gt;</c>: <c>ok(x)</c>/<c>err(e)</c>, with an absent payload for bare <c>ok</c>/<c>err</c>.</summary>
    public sealed record Result(bool IsOk, Value? Payload) : Value;

    /// <summary><c>tuple&lt;…&gt;</c></summary>
    public sealed record Tuple(EquatableArray<Value> Items) : Value;

    /// <summary>A record; fields in declaration order, each with its name.</summary>
    public sealed record Record(EquatableArray<RecordField> Fields) : Value;

    /// <summary>A variant case with an optional payload.</summary>
    public sealed record Variant(string Case, Value? Payload) : Value;

    /// <summary>An enum case.</summary>
    public sealed record Enum(string Case) : Value;

    /// <summary>The set flags, in declaration order.</summary>
    public sealed record Flags(EquatableArray<string> Names) : Value;

    /// <summary>The shared <c>true</c>.</summary>
    public static readonly Bool True = new(true);
    /// <summary>The shared <c>false</c>.</summary>
    public static readonly Bool False = new(false);
    /// <summary>The shared <c>none</c>.</summary>
    public static readonly Option None = new((Value?)null);
}

/// <summary>A named field of a record value.</summary>
/// <param name="Name">Kebab-case name.</param>
/// <param name="Value">The field's value; an absent option field holds <see cref="Value.None"/>.</param>
public sealed record RecordField(string Name, Value Value);
