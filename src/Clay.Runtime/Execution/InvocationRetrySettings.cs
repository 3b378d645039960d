using System.Globalization;
using Clay.Runtime.Components;
using Clay.Runtime.Errors;
using Clay.Sdk;

namespace Clay.Runtime.Execution;

/// <summary>
/// Which invocation retry policy a worker runs under: its own, set by environment variables when it
/// was created; else its component's <see cref="InvocationRetryAttribute"/>; else the server's.
/// </summary>
public static class InvocationRetrySettings
{
    /// <summary>Total attempts, a whole number of at least 1.</summary>
    public const string MaxAttempts = "CLAY_RETRY_MAX_ATTEMPTS";

    /// <summary>The wait before the first retry, a duration such as <c>500ms</c> or <c>2s</c>.</summary>
    public const string InitialDelay = "CLAY_RETRY_INITIAL_DELAY";

    /// <summary>The longest wait between attempts, a duration.</summary>
    public const string MaxDelay = "CLAY_RETRY_MAX_DELAY";

    /// <summary>What each wait is multiplied by, a number of at least 1.</summary>
    public const string Multiplier = "CLAY_RETRY_MULTIPLIER";

    /// <summary>The policy of a worker of <paramref name="component"/> created with <paramref name="environment"/>.</summary>
    /// <exception cref="ClayException"><c>invalid-arguments</c>: a variable or the component's attribute holds a value that is not a policy.</exception>
    public static RetryPolicy Resolve(RetryPolicy serverDefault, ComponentModel component, IEnumerable<KeyValuePair<string, string>> environment)
    {
        ArgumentNullException.ThrowIfNull(serverDefault);
        ArgumentNullException.ThrowIfNull(component);
        ArgumentNullException.ThrowIfNull(environment);
        var policy = component.InvocationRetry ?? serverDefault;
        foreach (var (name, value) in environment)
        {
            policy = name switch
            {
                MaxAttempts => policy with { MaxAttempts = Attempts(value) },
                InitialDelay => policy with { InitialDelay = Delay(name, value) },
                MaxDelay => policy with { MaxDelay = Delay(name, value) },
                Multiplier => policy with { Multiplier = Factor(value) },
                _ => policy,
            };
        }
        // The description is made only for a policy that fails: this runs each time a worker is opened.
        return Problem(policy) is { } problem
            ? throw Invalid($"the invocation retry policy of a {component.InterfaceName} worker: {problem}")
            : policy;
    }

    /// <summary>Checks a policy read from a component's attribute or a worker's environment.</summary>
    /// <exception cref="ClayException"><c>invalid-arguments</c>.</exception>
    public static RetryPolicy Check(RetryPolicy policy, string what)
    {
        ArgumentNullException.ThrowIfNull(policy);
        return Problem(policy) is { } problem ? throw Invalid($"{what}: {problem}") : policy;
    }

    private static string? Problem(RetryPolicy policy)
    {
        if (policy.MaxAttempts < 1) return $"at least 1 attempt is needed, not {policy.MaxAttempts}";
        if (policy.InitialDelay < TimeSpan.Zero || policy.MaxDelay < policy.InitialDelay)
            return $"the delays must be positive with the longest ({policy.MaxDelay}) no shorter than the first ({policy.InitialDelay})";
        if (!(policy.Multiplier >= 1) || !double.IsFinite(policy.Multiplier)) return $"the multiplier must be at least 1, not {policy.Multiplier}";
        return null;
    }

    private static int Attempts(string value) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= 1
            ? n
            : throw Invalid($"{MaxAttempts}='{value}': expected a whole number of attempts, at least 1");

    private static TimeSpan Delay(string name, string value)
    {
        try
        {
            return Durations.Parse(value);
        }
        catch (ClayException ex)
        {
            throw Invalid($"{name}: {ex.Message}");
        }
    }

    private static double Factor(string value) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var n) && n >= 1 && double.IsFinite(n)
            ? n
            : throw Invalid($"{Multiplier}='{value}': expected a number, at least 1");

    private static ClayException Invalid(string message) => new(ErrorCodes.InvalidArguments, message);
}
