namespace Clay.Sdk.Model;

/// <summary>A named set of flags for a <see cref="FlagsAttribute"/> enum: each single-bit member is a flag.</summary>
/// <param name="clrType">The .NET enum.</param>
/// <param name="name">The interface name.</param>
/// <param name="flags">Each flag's name and bit, in declaration order.</param>
/// <param name="toBits">The bits of a boxed enum value.</param>
/// <param name="fromBits">The boxed enum value with these bits.</param>
public sealed class FlagsDescriptor(Type clrType, string name, IReadOnlyList<FlagDescriptor> flags, Func<object, ulong> toBits, Func<ulong, object> fromBits)
    : TypeDescriptor
{
    /// <summary>The .NET enum.</summary>
    public Type ClrType { get; } = clrType;

    /// <summary>The interface name.</summary>
    public string Name { get; } = name;

    /// <summary>Each flag's name and bit, in declaration order.</summary>
    public IReadOnlyList<FlagDescriptor> Flags { get; } = flags;

    /// <summary>The bits of a boxed enum value.</summary>
    public Func<object, ulong> ToBits { get; } = toBits;

    /// <summary>The boxed enum value with these bits.</summary>
    public Func<ulong, object> FromBits { get; } = fromBits;

    /// <inheritdoc/>
    public override TResult Accept<TResult>(ITypeDescriptorVisitor<TResult> visitor) => visitor.VisitFlags(this);
}

/// <summary>A flag.</summary>
/// <param name="Name">Its kebab-case name.</param>
/// <param name="Bit">Its single bit.</param>
public sealed record FlagDescriptor(string Name, ulong Bit);
