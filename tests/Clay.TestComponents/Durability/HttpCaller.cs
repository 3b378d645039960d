using Clay.Sdk;

namespace Clay.TestComponents.Durability;

/// <summary>
/// Posts to a URL through the durable HTTP client, then waits on a gate the test controls: the
/// test can "crash" the executor while the invocation is past its effect but not finished.
/// </summary>
[ClayWorker]
public sealed class HttpCaller(WorkerContext context)
{
    private readonly List<string> _responses = [];

    /// <summary>The gate the invocation waits on after its request; tests replace it.</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Clay.Determinism", "CLAY015", Justification = "Tests hold the invocation between its effect and its end to crash it there.")]
    public static TaskCompletionSource Gate { get; set; } = CompletedGate();

    /// <summary>Signalled when the request has been answered and recorded.</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Clay.Determinism", "CLAY015", Justification = "Tests wait for the recorded response before crashing the executor.")]
    public static TaskCompletionSource AfterRequest { get; set; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Posts <paramref name="body"/>, waits on the gate, keeps and returns the response body.</summary>
    public async Task<string> Post(string url, string body)
    {
        using var response = await context.Http.PostAsync(new Uri(url), new StringContent(body));
        var text = $"{(int)response.StatusCode}:{await response.Content.ReadAsStringAsync()}";
        AfterRequest.TrySetResult();
        await Gate.Task;
        _responses.Add(text);
        return text;
    }

    /// <summary>Gets <paramref name="url"/> (an idempotent request).</summary>
    public async Task<string> Get(string url)
    {
        var text = await context.Http.GetStringAsync(new Uri(url));
        _responses.Add(text);
        return text;
    }

    /// <summary>Every response kept.</summary>
    public IReadOnlyList<string> Responses() => _responses;

    /// <summary>A gate that is already open.</summary>
    public static TaskCompletionSource CompletedGate()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        gate.SetResult();
        return gate;
    }
}
