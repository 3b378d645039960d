using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Clay.Reliability;

namespace Clay.EndToEnd.Tests;

/// <summary>
/// A loopback OTLP/HTTP collector: takes the protobuf <c>ExportTraceServiceRequest</c>s a server
/// posts to <c>/v1/traces</c> and keeps each span's ids and name (read with a small protobuf walker).
/// Any other path answers <c>ok</c> and has its <c>traceparent</c> header kept: workers call it as a
/// downstream service.
/// </summary>
public sealed class OtlpReceiver : IDisposable
{
    private readonly HttpListener _listener = new();
    private TaskCompletionSource _received = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public OtlpReceiver()
    {
        Url = $"http://127.0.0.1:{LoopbackPorts.Free()}";
        _listener.Prefixes.Add(Url + "/");
        _listener.Start();
        _ = ServeAsync();
    }

    /// <summary>The collector's base address (the value of <c>OTEL_EXPORTER_OTLP_ENDPOINT</c>).</summary>
    public string Url { get; }

    /// <summary>Every span received.</summary>
    public ConcurrentQueue<ReceivedSpan> Spans { get; } = new();

    /// <summary>Completes when the next request has been taken in.</summary>
    public Task Received => Volatile.Read(ref _received).Task;

    /// <summary>The <c>traceparent</c> header of each request to another path ("" when it had none).</summary>
    public ConcurrentQueue<string> Traceparents { get; } = new();

    /// <summary>One received span; ids in lowercase hex, an empty parent for a root.</summary>
    public sealed record ReceivedSpan(string TraceId, string SpanId, string ParentSpanId, string Name, IReadOnlyDictionary<string, string> Attributes);

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception) when (!_listener.IsListening)
            {
                return;
            }
            using var body = new MemoryStream();
            await context.Request.InputStream.CopyToAsync(body);
            context.Response.StatusCode = 200;
            if (context.Request.Url?.AbsolutePath == "/v1/traces")
            {
                Read(body.ToArray());
                context.Response.ContentType = "application/x-protobuf";
            }
            else
            {
                Traceparents.Enqueue(context.Request.Headers["traceparent"] ?? "");
                await context.Response.OutputStream.WriteAsync("ok"u8.ToArray());
            }
            context.Response.Close();
            Interlocked.Exchange(ref _received, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
        }
    }

    // ExportTraceServiceRequest { 1: ResourceSpans { 2: ScopeSpans { 2: Span } } }
    private void Read(byte[] request)
    {
        foreach (var (field, resourceSpans) in Fields(request))
        {
            if (field != 1) continue;
            foreach (var (f2, scopeSpans) in Fields(resourceSpans))
            {
                if (f2 != 2) continue;
                foreach (var (f3, span) in Fields(scopeSpans))
                {
                    if (f3 == 2) Spans.Enqueue(ReadSpan(span));
                }
            }
        }
    }

    // Span { 1: trace_id, 2: span_id, 4: parent_span_id, 5: name, 9: attributes (KeyValue { 1: key, 2: AnyValue { 1: string_value } }) }
    private static ReceivedSpan ReadSpan(byte[] span)
    {
        string trace = "", id = "", parent = "", name = "";
        var attributes = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (field, value) in Fields(span))
        {
            switch (field)
            {
                case 1: trace = Convert.ToHexStringLower(value); break;
                case 2: id = Convert.ToHexStringLower(value); break;
                case 4: parent = Convert.ToHexStringLower(value); break;
                case 5: name = Encoding.UTF8.GetString(value); break;
                case 9:
                    string? key = null, text = null;
                    foreach (var (kf, kv) in Fields(value))
                    {
                        if (kf == 1) key = Encoding.UTF8.GetString(kv);
                        if (kf == 2) text = Fields(kv).Where(a => a.Field == 1).Select(a => Encoding.UTF8.GetString(a.Value)).FirstOrDefault();
                    }
                    if (key is not null && text is not null) attributes[key] = text;
                    break;
            }
        }
        return new ReceivedSpan(trace, id, parent, name, attributes);
    }

    /// <summary>The length-delimited fields of a message; varint and fixed fields are skipped.</summary>
    private static List<(int Field, byte[] Value)> Fields(byte[] message)
    {
        var fields = new List<(int, byte[])>();
        var at = 0;
        while (at < message.Length)
        {
            var tag = Varint(message, ref at);
            var field = (int)(tag >> 3);
            switch (tag & 7)
            {
                case 0: Varint(message, ref at); break;
                case 1: at += 8; break;
                case 5: at += 4; break;
                case 2:
                    var length = (int)Varint(message, ref at);
                    fields.Add((field, message[at..(at + length)]));
                    at += length;
                    break;
                default: throw new InvalidDataException($"unexpected protobuf wire type {tag & 7}");
            }
        }
        return fields;
    }

    private static ulong Varint(byte[] data, ref int at)
    {
        ulong value = 0;
        for (var shift = 0; ; shift += 7)
        {
            var b = data[at++];
            value |= (ulong)(b & 0x7f) << shift;
            if (b < 0x80) return value;
        }
    }

    public void Dispose()
    {
        // Close alone: after Stop, .NET's listener binds the port again on its way out of Close, which throws
        // "Address already in use" when anything holds the port by then.
        _listener.Close();
    }
}
