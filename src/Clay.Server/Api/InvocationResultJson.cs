using System.Text.Json;
using Clay.Cluster.Workers;
using Clay.Runtime.Values;
using Clay.Runtime.Wave;

namespace Clay.Server.Api;

/// <summary>
/// Writes an invocation's answer (<see cref="InvokeResultDto"/>'s shape) straight into the response:
/// the result value is printed as WAVE and written as JSON once, with no document in between.
/// </summary>
internal sealed class InvocationResultJson(InvokeReply reply) : IResult
{
    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "application/json; charset=utf-8";
        // The encoder the API's other responses use, so both read the same.
        var encoder = httpContext.RequestServices.GetService<Microsoft.Extensions.Options.IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>()?.Value
            .SerializerOptions.Encoder ?? System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping;
        await using (var json = new Utf8JsonWriter(response.BodyWriter, new JsonWriterOptions { Encoder = encoder }))
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
        }
        await response.BodyWriter.FlushAsync(httpContext.RequestAborted);
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
