namespace Clay.Cli.Commands;

/// <summary>
/// The idempotency key an invocation is sent with: the one given, a fresh one for <c>-</c> (as Golem's
/// <c>--idempotency-key -</c>), announced on stderr so that it can be used again, or one chosen quietly.
/// </summary>
public static class IdempotencyKeys
{
    /// <summary>The value of <c>--idempotency-key</c> that asks for a fresh key.</summary>
    public const string Generate = "-";

    /// <summary>
    /// The key to send for <paramref name="given"/>. clay always chooses a key when none is given, so that an
    /// invocation whose answer is lost can be asked for again safely; it says which only when asked with <c>-</c>
    /// (Golem's form) — the refusal of a lost answer names it either way.
    /// </summary>
    /// <exception cref="CliException"><c>invalid-usage</c>: an empty or blank key.</exception>
    public static string Resolve(string? given, TextWriter announcements)
    {
        ArgumentNullException.ThrowIfNull(announcements);
        switch (given)
        {
            case null:
                return Guid.NewGuid().ToString();
            case Generate:
                var fresh = Guid.NewGuid().ToString();
                announcements.WriteLine($"Using generated idempotency key: {fresh}");
                return fresh;
            case var blank when string.IsNullOrWhiteSpace(blank):
                throw new CliException("invalid-usage", "--idempotency-key is empty: give a key, or '-' to have one generated", ExitCodes.InvalidInput);
            default:
                return given;
        }
    }
}
