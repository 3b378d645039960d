using Clay.Runtime;

namespace Clay.Server.Workers;

/// <summary>The per-component worker limit (<c>--max-workers</c>): asked before each new worker, told of each deletion.</summary>
public interface IWorkerQuota
{
    /// <summary>Admits one more worker of its component, or throws <c>too-many-workers</c>.</summary>
    ValueTask AdmitAsync(WorkerId worker, CancellationToken cancellationToken);

    /// <summary>Records that a worker was deleted.</summary>
    void Release(WorkerId worker);
}
