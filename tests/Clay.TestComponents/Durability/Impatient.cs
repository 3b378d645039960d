using Clay.Sdk;

namespace Clay.TestComponents.Durability;

/// <summary>A component with its own invocation retry policy: two attempts, 5 s apart.</summary>
[ClayWorker, InvocationRetry(2, InitialDelaySeconds = 5, MaxDelaySeconds = 5)]
public sealed class Impatient(WorkerContext context)
{
    /// <summary>Fails transiently every time.</summary>
    public async Task<string> Unsteady() =>
        await context.RunAsync<string>("service", _ => throw new TransientException("service unavailable"), new EffectOptions { Retry = RetryPolicy.None });
}
