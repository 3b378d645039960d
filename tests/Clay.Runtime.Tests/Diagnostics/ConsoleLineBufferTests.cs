using Clay.Runtime.Diagnostics;

namespace Clay.Runtime.Tests.Diagnostics;

public sealed class ConsoleLineBufferTests
{
    [Fact]
    public void Pieces_become_whole_lines_and_the_rest_waits()
    {
        var buffer = new ConsoleLineBuffer(100);
        var lines = new List<string>();

        buffer.Append("hel", lines.Add);
        buffer.Append("lo\nwor", lines.Add);
        Assert.Equal(["hello"], lines);
        Assert.True(buffer.HasPartialLine);

        buffer.Append("ld\r\n\nlast", lines.Add);
        Assert.Equal(["hello", "world", ""], lines);

        buffer.Flush(lines.Add);
        Assert.Equal(["hello", "world", "", "last"], lines);
        Assert.False(buffer.HasPartialLine);
        buffer.Flush(lines.Add);
        Assert.Equal(4, lines.Count);
    }

    [Fact]
    public void A_line_longer_than_the_limit_is_cut_without_losing_text()
    {
        var buffer = new ConsoleLineBuffer(4);
        var lines = new List<string>();

        buffer.Append("ab", lines.Add);
        buffer.Append("cdefghij\nabcd\n", lines.Add);

        Assert.Equal(["abcd", "efgh", "ij", "abcd"], lines);
        Assert.False(buffer.HasPartialLine);
    }

    [Fact]
    public void A_cleared_buffer_forgets_its_partial_line()
    {
        var buffer = new ConsoleLineBuffer(10);
        var lines = new List<string>();
        buffer.Append("replayed", lines.Add);
        buffer.Clear();
        buffer.Append(" live\n", lines.Add);
        Assert.Equal([" live"], lines);
    }
}
