using Clay.Runtime.Execution;

namespace Clay.Runtime.Hosting;

// Arrival order: requests are accepted one after another as they came, also while the worker opens,
// each typed against the version the worker runs.
public sealed partial class WorkerActivation
{
    private delegate Task<T> Accept<T>(WorkerExecutor executor, string function, Values.Value[] arguments, InvocationRequest request, CancellationToken ct);

    /// <summary>Accepts requests in arrival order: each waits until the one before it was accepted.</summary>
    private Task<T> InOrderAsync<T>(InvocationRequest request, Accept<T> accept, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.CallChain is { } chain && chain.Contains(Id.ToString()))
        {
            // The worker is on the chain, waiting for this very call to return: it could never serve it.
            return Task.FromException<T>(new Errors.ClayException(Errors.ErrorCodes.CallCycle,
                $"the call of {request.Function} on {Id} closes a cycle ({string.Join(" → ", chain.Append(Id.ToString()))}): {Id} is waiting for this call and cannot serve it"));
        }
        Task previous;
        TaskCompletionSource accepted;
        // An invocation accepted under the gate starts on this thread (when it may) only once the gate is let go.
        using (WorkerExecutor.HoldWakes())
        lock (_gate)
        {
            if (_arrivals.IsCompleted && _executor is { MustReopen: false } executor)
            {
                // Nobody ahead is waiting for the worker to open: accept right away, on this thread.
                services.Residency.Touch(Id);
                try
                {
                    var (function, arguments) = request.Bind(executor.Component);
                    return accept(executor, function.Name, arguments, request, cancellationToken);
                }
                catch (Exception ex)
                {
                    return Task.FromException<T>(ex);
                }
            }
            previous = _arrivals;
            accepted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _arrivals = accepted.Task;
        }
        return AcceptAfterAsync(request, accept, previous, accepted, cancellationToken);
    }

    private async Task<T> AcceptAfterAsync<T>(InvocationRequest request, Accept<T> accept, Task previous, TaskCompletionSource accepted,
        CancellationToken cancellationToken)
    {
        Task<T> invocation;
        try
        {
            await previous.ConfigureAwait(false);
            var (executor, function, arguments) = await BindAsync(request, cancellationToken).ConfigureAwait(false);
            services.Residency.Touch(Id);
            // Accepted synchronously, before the next caller in line is let go; it starts on this thread (when it may) only after.
            using (WorkerExecutor.HoldWakes())
            {
                try
                {
                    invocation = accept(executor, function, arguments, request, cancellationToken);
                }
                finally
                {
                    accepted.SetResult();
                }
            }
        }
        finally
        {
            accepted.TrySetResult();
        }
        return await invocation.ConfigureAwait(false);
    }

    /// <summary>Opens the worker for an invocation and types the request against its version.</summary>
    private async Task<(WorkerExecutor Executor, string Function, Values.Value[] Arguments)> BindAsync(InvocationRequest request,
        CancellationToken cancellationToken)
    {
        OpenFacts? known = null;
        if (Resident is null && !IsOpening)
        {
            if (request.NewWorkerOn is { } told)
            {
                // The caller found no oplog and admitted the worker: nothing need be asked again.
                request.Bind(told);
                known = new OpenFacts(0, told, Admitted: true);
            }
            else if (await services.Store.GetLastIndexAsync(Id, cancellationToken).ConfigureAwait(false) is var last && last > 0)
            {
                // The opening below need not ask where the oplog ends again.
                known = new OpenFacts(last);
            }
            else
            {
                // A new worker runs the latest version: a request that does not fit it creates nothing.
                var latest = await services.Catalog.GetLatestAsync(Id.Component, cancellationToken).ConfigureAwait(false);
                request.Bind(latest);
                // The opening below need not read either again: the worker is created on the version the request was typed against.
                known = new OpenFacts(0, latest);
            }
        }
        var executor = await OpenCoreAsync(WorkerCreation.OnFirstInvocation, cancellationToken, known).ConfigureAwait(false);
        var (function, arguments) = request.Bind(executor.Component);
        return (executor, function.Name, arguments);
    }
}
