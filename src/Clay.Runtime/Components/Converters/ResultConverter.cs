using Clay.Runtime.Types;
using Clay.Runtime.Values;
using Clay.Sdk;

namespace Clay.Runtime.Components.Converters;

/// <summary><c>result&lt;T, E&gt;</c> for the SDK's <see cref="Result{TOk,TError}"/>; <see cref="Unit"/> is an absent side.</summary>
internal sealed class ResultConverter<TOk, TError>(ValueConverter? ok, ValueConverter? err) : ValueConverter(new ClayType.Result(ok?.Type, err?.Type))
{
    public override Value ToValue(object? obj)
    {
        var result = (Result<TOk, TError>)obj!;
        return result.IsOk
            ? new Value.Result(true, ok?.ToValue(result.OkValue))
            : new Value.Result(false, err?.ToValue(result.ErrorValue));
    }

    public override object? FromValue(Value value)
    {
        if (value is not Value.Result result) throw Mismatch(value);
        var side = result.IsOk ? ok : err;
        if ((side is null) != (result.Payload is null)) throw Mismatch(value);
        return result.IsOk
            ? Result<TOk, TError>.Ok(side is null ? default! : (TOk)side.FromValue(result.Payload!)!)
            : Result<TOk, TError>.Err(side is null ? default! : (TError)side.FromValue(result.Payload!)!);
    }
}
