namespace Clay.Sdk;

/// <summary>
/// Either a success value or an error value: the interface type <c>result&lt;T, E&gt;</c>.
/// Use <see cref="Unit"/> for a side without a payload.
/// </summary>
/// <typeparam name="TOk">The success payload.</typeparam>
/// <typeparam name="TError">The error payload.</typeparam>
public readonly record struct Result<TOk, TError>
{
    private Result(bool isOk, TOk? ok, TError? error)
    {
        IsOk = isOk;
        OkValue = ok;
        ErrorValue = error;
    }

    /// <summary>True for a success.</summary>
    public bool IsOk { get; }

    /// <summary>The success payload; default when <see cref="IsOk"/> is false.</summary>
    public TOk? OkValue { get; }

    /// <summary>The error payload; default when <see cref="IsOk"/> is true.</summary>
    public TError? ErrorValue { get; }

    /// <summary>A success.</summary>
    public static Result<TOk, TError> Ok(TOk value) => new(true, value, default);

    /// <summary>A failure.</summary>
    public static Result<TOk, TError> Err(TError error) => new(false, default, error);

    /// <summary>Chooses a branch.</summary>
    public T Match<T>(Func<TOk, T> ok, Func<TError, T> err) => IsOk ? ok(OkValue!) : err(ErrorValue!);

    /// <inheritdoc/>
    public override string ToString() => IsOk ? $"ok({OkValue})" : $"err({ErrorValue})";
}
