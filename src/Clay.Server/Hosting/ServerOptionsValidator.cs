using Microsoft.Extensions.Options;

namespace Clay.Server.Hosting;

/// <summary>The rules between options, checked once every source is bound.</summary>
internal sealed class ServerOptionsValidator : IValidateOptions<ServerOptions>
{
    /// <inheritdoc/>
    public ValidateOptionsResult Validate(string? name, ServerOptions options)
    {
        // The entry that records an invocation holds its arguments (and its result): both must fit.
        var limits = options.Limits;
        if (limits.MaxEntryBytes < Math.Max(limits.MaxArgumentBytes, limits.MaxResultBytes) + 4096)
        {
            return ValidateOptionsResult.Fail(
                "max-entry-size must exceed max-argument-size and max-result-size by at least 4KiB (the entry holds them)");
        }
        return ValidateOptionsResult.Success;
    }
}
