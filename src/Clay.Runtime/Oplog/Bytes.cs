namespace Clay.Runtime.Oplog;

/// <summary>An immutable byte string compared by content (snapshot payloads and other blobs).</summary>
public readonly struct Bytes : IEquatable<Bytes>
{
    private readonly byte[]? _data;

    /// <summary>Wraps <paramref name="data"/> without copying; the caller must not change it afterwards.</summary>
    public Bytes(byte[] data) => _data = data;

    /// <summary>The content.</summary>
    public ReadOnlySpan<byte> Span => _data;

    /// <summary>The content as memory.</summary>
    public ReadOnlyMemory<byte> Memory => _data;

    /// <summary>Length in bytes.</summary>
    public int Length => _data?.Length ?? 0;

    /// <inheritdoc/>
    public bool Equals(Bytes other) => Span.SequenceEqual(other.Span);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is Bytes other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.AddBytes(Span);
        return hash.ToHashCode();
    }

    /// <summary>Content equality.</summary>
    public static bool operator ==(Bytes left, Bytes right) => left.Equals(right);

    /// <summary>Content inequality.</summary>
    public static bool operator !=(Bytes left, Bytes right) => !left.Equals(right);

    /// <inheritdoc/>
    public override string ToString() => $"{Length} bytes";
}
