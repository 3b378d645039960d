using System.Buffers.Text;

namespace Clay.LoadClient;

/// <summary>
/// What the head of an HTTP/1.1 answer says: its status, and how its body comes. Shared by the load
/// client's connection and the benchmarks' blocking probe (which compiles this file in).
/// </summary>
internal static class HttpHead
{
    /// <summary>The blank line that ends a head.</summary>
    public static ReadOnlySpan<byte> End => "\r\n\r\n"u8;

    private static ReadOnlySpan<byte> ContentLength => "\r\ncontent-length:"u8;
    private static ReadOnlySpan<byte> Chunked => "\r\ntransfer-encoding: chunked"u8;

    /// <summary>
    /// The status and the body's length (-1 when it comes chunked) of <paramref name="head"/>: the answer's
    /// bytes up to its last header's line end. Throws when neither a Content-Length nor chunked encoding is given.
    /// </summary>
    public static (int Status, int Length) Parse(ReadOnlySpan<byte> head)
    {
        if (head.Length < 12 || !Utf8Parser.TryParse(head.Slice(9, 3), out int status, out _)) throw new InvalidOperationException("a malformed status line");
        if (IndexOfIgnoreCase(head, Chunked) >= 0) return (status, -1);
        var at = IndexOfIgnoreCase(head, ContentLength);
        if (at < 0) throw new InvalidOperationException("an answer without Content-Length or chunked encoding");
        var value = head[(at + ContentLength.Length)..];
        value = value[..value.IndexOf((byte)'\r')].Trim((byte)' ');
        if (!Utf8Parser.TryParse(value, out int length, out _)) throw new InvalidOperationException("a malformed Content-Length");
        return (status, length);
    }

    private static int IndexOfIgnoreCase(ReadOnlySpan<byte> text, ReadOnlySpan<byte> lowerNeedle)
    {
        for (var i = 0; i + lowerNeedle.Length <= text.Length; i++)
        {
            var match = true;
            for (var k = 0; k < lowerNeedle.Length && match; k++) match = (text[i + k] is >= (byte)'A' and <= (byte)'Z' ? text[i + k] + 32 : text[i + k]) == lowerNeedle[k];
            if (match) return i;
        }
        return -1;
    }
}
