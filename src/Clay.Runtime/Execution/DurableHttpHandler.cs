using System.Net;
using Clay.Runtime.Values;
using Clay.Sdk;

namespace Clay.Runtime.Execution;

/// <summary>
/// Makes each HTTP request of a worker a durable effect: the request and the whole response
/// (status, headers, body) are recorded; on replay the response is rebuilt from the oplog and no
/// request is sent. Safe methods count as idempotent; POST and PATCH run at most once.
/// </summary>
internal sealed class DurableHttpHandler(DurableWorkerContext context, HttpMessageHandler inner) : DelegatingHandler(inner)
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var requestBody = request.Content is null ? null : await request.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(true);
        var requestValue = new Value.Record(new RecordField[]
        {
            new("method", new Value.String(request.Method.Method)),
            new("uri", new Value.String(request.RequestUri?.ToString() ?? "")),
            new("body", requestBody is null ? Value.None : new Value.Option(new Value.String(Convert.ToBase64String(requestBody)))),
        });
        var idempotent = request.Method == HttpMethod.Get || request.Method == HttpMethod.Head || request.Method == HttpMethod.Put
            || request.Method == HttpMethod.Delete || request.Method == HttpMethod.Options;
        var options = EffectOptions.Default with { Idempotent = idempotent };
        var name = $"http::{request.Method.Method} {request.RequestUri}";

        var response = await context.RemoteEffectAsync(name, requestValue,
            idempotent ? Oplog.EffectKind.ReadRemote : Oplog.EffectKind.WriteRemote, options,
            async ct =>
            {
                // The request may be sent again on a retry; its content was buffered above.
                using var copy = new HttpRequestMessage(request.Method, request.RequestUri);
                foreach (var header in request.Headers) copy.Headers.TryAddWithoutValidation(header.Key, header.Value);
                if (requestBody is not null)
                {
                    copy.Content = new ByteArrayContent(requestBody);
                    foreach (var header in request.Content!.Headers) copy.Content.Headers.TryAddWithoutValidation(header.Key, header.Value);
                }
                using var live = await base.SendAsync(copy, ct).ConfigureAwait(true);
                return await RecordResponseAsync(live, ct).ConfigureAwait(true);
            }, cancellationToken).ConfigureAwait(true);

        try
        {
            return Rebuild(DurableWorkerContext.Unwrap(name, response)!, request);
        }
        catch (EffectFailedException failed)
        {
            // Worker code expects HttpClient's own exception; it is the same live and on replay.
            throw new HttpRequestException($"{failed.ExceptionType}: {failed.Message}", failed);
        }
    }

    private static async Task<Value> RecordResponseAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(true);
        var headers = response.Headers.Concat(response.Content.Headers)
            .SelectMany(h => h.Value.Select(v => (Value)new Value.Tuple(new Value[] { new Value.String(h.Key), new Value.String(v) })))
            .ToArray();
        return new Value.Record(new RecordField[]
        {
            new("status", new Value.U16((ushort)response.StatusCode)),
            new("headers", new Value.List(headers)),
            new("body", new Value.String(Convert.ToBase64String(body))),
        });
    }

    private static HttpResponseMessage Rebuild(Value recorded, HttpRequestMessage request)
    {
        var fields = ((Value.Record)recorded).Fields;
        var response = new HttpResponseMessage((HttpStatusCode)((Value.U16)fields[0].Value).V)
        {
            RequestMessage = request,
            Content = new ByteArrayContent(Convert.FromBase64String(((Value.String)fields[2].Value).V)),
        };
        foreach (var item in ((Value.List)fields[1].Value).Items)
        {
            var pair = ((Value.Tuple)item).Items;
            var key = ((Value.String)pair[0]).V;
            var value = ((Value.String)pair[1]).V;
            if (!response.Headers.TryAddWithoutValidation(key, value)) response.Content.Headers.TryAddWithoutValidation(key, value);
        }
        return response;
    }
}
