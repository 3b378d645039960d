using System.Text;

namespace Clay.Client.Logs;

/// <summary>
/// Reads the lines of a <c>text/event-stream</c> one by one and hands back each event when the
/// blank line that ends it arrives (the WHATWG rules: <c>field: value</c>, one optional space after
/// the colon, comments start with <c>:</c>, <c>data</c> lines accumulate). <c>retry</c> is ignored:
/// the reconnecting reader chooses its own delays.
/// </summary>
internal sealed class ServerSentEventParser
{
    private readonly StringBuilder _data = new();
    private string? _id;
    private string? _name;
    private bool _hasData;

    /// <summary>Takes one line (without its line ending); returns the event it completes, if any.</summary>
    public ServerSentEvent? Feed(string line)
    {
        if (line.Length == 0) return Dispatch();
        if (line[0] == ':') return null;
        var colon = line.IndexOf(':', StringComparison.Ordinal);
        var field = colon < 0 ? line : line[..colon];
        var value = colon < 0 ? "" : line[(colon + 1)..];
        if (value.StartsWith(' ')) value = value[1..];
        switch (field)
        {
            case "id":
                _id = value;
                break;
            case "event":
                _name = value;
                break;
            case "data":
                if (_hasData) _data.Append('\n');
                _data.Append(value);
                _hasData = true;
                break;
        }
        return null;
    }

    private ServerSentEvent? Dispatch()
    {
        ServerSentEvent? dispatched = _hasData || _name is not null ? new(_id, _name ?? "message", _data.ToString()) : null;
        _data.Clear();
        _hasData = false;
        _name = null;
        _id = null;
        return dispatched;
    }
}
