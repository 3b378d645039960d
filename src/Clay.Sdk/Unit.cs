namespace Clay.Sdk;

/// <summary>
/// The absence of a value. As a <see cref="Result{TOk,TError}"/> argument it means "no payload":
/// <c>Result&lt;Unit, string&gt;</c> is <c>result&lt;_, string&gt;</c>, written <c>ok</c> or <c>err("…")</c> in WAVE.
/// </summary>
public readonly record struct Unit
{
    /// <summary>The one value of <see cref="Unit"/>.</summary>
    public static Unit Value => default;
}
