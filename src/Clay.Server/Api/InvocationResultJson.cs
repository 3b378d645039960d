using System.Text.Json;
using Clay.Cluster.Workers;
using Clay.Runtime.Values;
using Clay.Runtime.Wave;

namespace Clay.Server.Api;

/// <summary>
/// Writes an invocation's answer (<see cref="InvokeResultDto"/>'s shape) straight into the response:
/// the result value is printed as WAVE and written as JSON once, with no document in between.
/// </summary>
internal sealed class InvocationResultJson(InvokeReply reply, System.Text.Encodings.Web.JavaScriptEncoder encoder) : IResult
{
    public Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "application/json; charset=utf-8";
        var json = Writer(response.BodyWriter);
        try
        {
            json.WriteStartObject();
            json.WriteString("idempotencyKey", reply.IdempotencyKey);
            json.WriteString("function", reply.Function);
            if (reply.State == InvocationState.Completed && reply.Result is { } result)
            {
                json.WriteStartObject("result");
                WriteWave(json, result);
                json.WritePropertyName("json");
                ValueJson.Write(json, result);
                json.WriteEndObject();
            }
            else
            {
                json.WriteNull("result");
            }
            json.WriteEndObject();
            json.Flush();
        }
        finally
        {
            // Let go of the response's pipe; the writer stays with this thread for the next answer.
            json.Reset(NoOutput);
            t_json = json;
        }
        return response.BodyWriter.FlushAsync(httpContext.RequestAborted).AsTask();
    }

    /// <summary>What a kept writer points at between answers: never written to.</summary>
    private static readonly System.Buffers.ArrayBufferWriter<byte> NoOutput = new(1);

    [ThreadStatic] private static Utf8JsonWriter? t_json;
    [ThreadStatic] private static System.Text.Encodings.Web.JavaScriptEncoder? t_jsonEncoder;

    /// <summary>This thread's writer for <paramref name="output"/>, made again only if the encoder changed.</summary>
    private Utf8JsonWriter Writer(System.IO.Pipelines.PipeWriter output)
    {
        var json = t_json;
        t_json = null;
        if (json is null || !ReferenceEquals(t_jsonEncoder, encoder))
        {
            t_jsonEncoder = encoder;
            return new Utf8JsonWriter(output, new JsonWriterOptions { Encoder = encoder });
        }
        json.Reset(output);
        return json;
    }

    /// <summary>The most characters of WAVE text whose builder a thread keeps for the next answer.</summary>
    private const int ReusedBuilderLimit = 16 * 1024;

    [ThreadStatic] private static System.Text.StringBuilder? t_wave;

    /// <summary>Prints the value as WAVE into this thread's builder and writes it from there, without a string in between.</summary>
    private static void WriteWave(Utf8JsonWriter json, Clay.Runtime.Values.Value result)
    {
        var builder = t_wave ?? new System.Text.StringBuilder();
        t_wave = null;
        WavePrinter.Print(result, builder);
        var chunks = builder.GetChunks();
        if (chunks.MoveNext() && chunks.Current.Length == builder.Length) json.WriteString("wave", chunks.Current.Span);
        else json.WriteString("wave", builder.ToString());
        if (builder.Capacity <= ReusedBuilderLimit)
        {
            builder.Clear();
            t_wave = builder;
        }
    }
}
