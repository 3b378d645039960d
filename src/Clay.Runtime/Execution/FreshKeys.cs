using System.Security.Cryptography;

namespace Clay.Runtime.Execution;

/// <summary>
/// Idempotency keys made for invocations that bring none: random GUIDs (version 4), as
/// <see cref="Guid.NewGuid"/> makes them, but drawn from the system's secure generator 4 KiB at a time
/// instead of one system call per key (on Linux, each <see cref="Guid.NewGuid"/> reads <c>/dev/urandom</c>).
/// </summary>
/// <remarks>The keys are as unpredictable as <see cref="Guid.NewGuid"/>'s: a caller cannot guess the key of another's call.</remarks>
public static class FreshKeys
{
    private const int Batch = 4096;

    [ThreadStatic]
    private static byte[]? t_random;

    /// <summary>Bytes of <see cref="t_random"/> handed out; <see cref="Batch"/> when it must be filled again.</summary>
    [ThreadStatic]
    private static int t_used;

    /// <summary>A new random key.</summary>
    public static string Next()
    {
        var random = t_random;
        if (random is null)
        {
            random = t_random = new byte[Batch];
            t_used = Batch;
        }
        if (t_used == Batch)
        {
            RandomNumberGenerator.Fill(random);
            t_used = 0;
        }
        Span<byte> bytes = stackalloc byte[16];
        random.AsSpan(t_used, 16).CopyTo(bytes);
        random.AsSpan(t_used, 16).Clear();
        t_used += 16;
        // Version 4 and the RFC 4122 variant, as Guid.NewGuid has them.
        bytes[7] = (byte)((bytes[7] & 0x0F) | 0x40);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes).ToString();
    }
}
