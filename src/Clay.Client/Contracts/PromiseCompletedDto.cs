namespace Clay.Client.Contracts;

/// <summary>The answer to a promise completion.</summary>
/// <param name="ComponentName">The worker's component.</param>
/// <param name="WorkerName">The worker.</param>
/// <param name="Promise">The promise's id.</param>
public sealed record PromiseCompletedDto(string ComponentName, string WorkerName, long Promise);
