using System.Collections;

namespace Clay.Runtime.Diagnostics;

/// <summary>
/// The logging scope of a running invocation: structured fields <c>Worker</c>, <c>Function</c> and
/// <c>InvocationKey</c> (what a JSON console or an OpenTelemetry log exporter shows as attributes).
/// </summary>
/// <param name="Worker">The worker.</param>
/// <param name="Function">The function invoked.</param>
/// <param name="InvocationKey">The invocation's idempotency key.</param>
public sealed record WorkerLogScope(WorkerId Worker, string Function, string InvocationKey) : IReadOnlyList<KeyValuePair<string, object?>>
{
    /// <inheritdoc/>
    public int Count => 3;

    /// <inheritdoc/>
    public KeyValuePair<string, object?> this[int index] => index switch
    {
        0 => new("Worker", Worker.ToString()),
        1 => new("Function", Function),
        2 => new("InvocationKey", InvocationKey),
        _ => throw new ArgumentOutOfRangeException(nameof(index)),
    };

    /// <inheritdoc/>
    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator()
    {
        for (var i = 0; i < Count; i++) yield return this[i];
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <inheritdoc/>
    public override string ToString() => $"{Worker.Component}/{Worker.Worker} {Function} {InvocationKey}";
}
