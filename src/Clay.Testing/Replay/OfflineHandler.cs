namespace Clay.Testing.Replay;

/// <summary>
/// The network of a replay: none. Recorded HTTP calls are answered from the history; a request that
/// reaches this handler is one the history does not hold, and it fails instead of going out.
/// </summary>
internal sealed class OfflineHandler : HttpMessageHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
        throw new InvalidOperationException($"a replay does not reach the network: {request.Method} {request.RequestUri} is not in the recorded history");
}
