using Clay.Runtime.Oplog;
using Clay.Runtime.Values;
using Clay.Sdk;

namespace Clay.Runtime.Execution;

internal sealed partial class DurableWorkerContext
{
    /// <summary>
    /// Runs an external effect at most once, or serves it from the oplog. A non-idempotent effect is
    /// recorded as begun, durably, before it runs; if a crash leaves it begun but not finished, it is
    /// not run again and the worker gets <see cref="EffectOutcomeUnknownException"/>.
    /// </summary>
    /// <returns><c>ok(payload)</c> or <c>err({ type, message })</c>.</returns>
    internal async Task<Value> RemoteEffectAsync(string name, Value request, EffectKind kind, EffectOptions options,
        Func<CancellationToken, Task<Value>> run, CancellationToken cancellationToken)
    {
        // Effects run one at a time in the order the code asked for them, so live and replayed
        // orders are the same even when the code starts several without awaiting each.
        var previous = _effectTail;
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _effectTail = done.Task;
        try
        {
            await previous.ConfigureAwait(true);
            ThrowIfRetrying();
            if (TryServeRemote(name, out var recorded, out var outcomeUnknown)) return recorded;
            if (outcomeUnknown)
            {
                var unknown = Failure(new EffectOutcomeUnknownException(name));
                _writer.Append(new OplogEntry.ImportedFunctionInvoked(_writer.Now, name, request, unknown, kind));
                return unknown;
            }
            return await RunLiveAsync(name, request, kind, options, run, cancellationToken).ConfigureAwait(true);
        }
        finally
        {
            done.SetResult();
        }
    }

    private bool TryServeRemote(string name, out Value response, out bool outcomeUnknown)
    {
        outcomeUnknown = false;
        response = null!;
        while (true)
        {
            var next = _replay.PeekSignificant();
            if (next is null) return false;
            switch (next.Value.Entry)
            {
                case OplogEntry.ImportedFunctionInvoked imported when imported.FunctionName == name:
                    _replay.Next();
                    response = imported.Response;
                    return true;
                case OplogEntry.BeginRemoteWrite begin when begin.FunctionName == name:
                    _replay.Next();
                    var after = _replay.PeekSignificant();
                    if (after is null)
                    {
                        // Begun before a crash, never recorded as finished: it may or may not have happened.
                        outcomeUnknown = true;
                        return false;
                    }
                    if (after.Value.Entry is OplogEntry.ImportedFunctionInvoked result && result.FunctionName == name)
                    {
                        _replay.Next();
                        response = result.Response;
                        return true;
                    }
                    if (after.Value.Entry is OplogEntry.EndRemoteWrite)
                    {
                        // That attempt failed transiently and the invocation was retried: a later
                        // attempt of the same write follows, or it runs live again.
                        _replay.Next();
                        continue;
                    }
                    throw Diverged(after.Value, name);
                default:
                    throw Diverged(next.Value, name);
            }
        }
    }

    private async Task<Value> RunLiveAsync(string name, Value request, EffectKind kind, EffectOptions options,
        Func<CancellationToken, Task<Value>> run, CancellationToken cancellationToken)
    {
        using var span = Diagnostics.ClayTelemetry.StartEffect(name, kind);
        long begun = 0;
        if (kind == EffectKind.WriteRemote)
        {
            begun = _writer.Append(new OplogEntry.BeginRemoteWrite(_writer.Now, name));
            await _writer.FlushAsync(cancellationToken).ConfigureAwait(true);
        }

        Value response;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                response = new Value.Result(true, await run(cancellationToken).ConfigureAwait(true));
                break;
            }
            catch (Exception ex) when (IsTransient(ex, cancellationToken) && attempt < options.Retry.MaxAttempts)
            {
                _writer.Append(new OplogEntry.Error(_writer.Now, "effect-failed", $"{name}: {ex.GetType().FullName}: {ex.Message}", attempt));
                _setStatus(WorkerStatus.Retrying);
                try
                {
                    await Task.Delay(options.Retry.DelayBefore(attempt + 1), _time, cancellationToken).ConfigureAwait(true);
                }
                finally
                {
                    _setStatus(WorkerStatus.Running);
                }
            }
            catch (Exception ex) when (IsTransient(ex, cancellationToken))
            {
                // Out of attempts on a transient failure: the whole invocation is retried later. A
                // begun write is closed without an outcome, so that the retry runs it again.
                _writer.Append(new OplogEntry.Error(_writer.Now, "effect-failed", $"{name}: {ex.GetType().FullName}: {ex.Message}", attempt));
                if (begun > 0) _writer.Append(new OplogEntry.EndRemoteWrite(_writer.Now, begun));
                throw RetryRequested = new InvocationRetryException(name, ex);
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                span?.SetStatus(System.Diagnostics.ActivityStatusCode.Error, ex.GetType().Name);
                response = Failure(ex);
                break;
            }
        }
        // Encoded once: the size is checked on the bytes that are written.
        var encoded = Oplog.Codec.OplogCodec.Encode(new OplogEntry.ImportedFunctionInvoked(_writer.Now, name, request, response, kind));
        if (encoded.Length > _writer.MaxEntryBytes - 4096)
        {
            // The outcome cannot be recorded in full; what is recorded (and replayed) is that it was too large.
            var size = encoded.Length;
            response = Failure(new Errors.ClayException(Errors.ErrorCodes.OplogEntryTooLarge,
                $"the result of effect {name} takes {size:N0} bytes; an oplog entry may take {_writer.MaxEntryBytes:N0} (--max-entry-size)"));
            encoded = Oplog.Codec.OplogCodec.Encode(new OplogEntry.ImportedFunctionInvoked(_writer.Now, name, Value.None, response, kind));
        }
        _writer.AppendEncoded(encoded);
        if (kind == EffectKind.WriteRemote)
        {
            // Once the outcome is durable a crash no longer leaves it unknown.
            await _writer.FlushAsync(cancellationToken).ConfigureAwait(true);
        }
        return response;
    }

    private static bool IsTransient(Exception ex, CancellationToken cancellationToken) => ex switch
    {
        TransientException or HttpRequestException or TimeoutException or IOException => true,
        OperationCanceledException => !cancellationToken.IsCancellationRequested,
        _ => false,
    };

    private static Value.Result Failure(Exception ex) => new(false, new Value.Record(new RecordField[]
    {
        new("type", new Value.String(ex.GetType().FullName ?? ex.GetType().Name)),
        new("message", new Value.String(ex.Message)),
    }));

    /// <summary>The payload of <c>ok(payload)</c>; for <c>err</c> the recorded failure is rethrown.</summary>
    internal static Value? Unwrap(string name, Value response)
    {
        var result = (Value.Result)response;
        if (result.IsOk) return result.Payload;
        var fields = ((Value.Record)result.Payload!).Fields;
        var type = ((Value.String)fields[0].Value).V;
        var message = ((Value.String)fields[1].Value).V;
        if (type == typeof(EffectOutcomeUnknownException).FullName) throw new EffectOutcomeUnknownException(name);
        throw new EffectFailedException(name, type, message);
    }
}
