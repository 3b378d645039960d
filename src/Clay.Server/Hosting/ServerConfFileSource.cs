using Microsoft.Extensions.Configuration;

namespace Clay.Server.Hosting;

/// <summary>
/// The server's own configuration file (<c>~/.clay/server.conf</c>, or <c>--config FILE</c>): the
/// command-line options one per line without the dashes, <c>memory-budget 64MiB</c>; <c>#</c>
/// starts a comment.
/// </summary>
/// <param name="Path">The file's full path.</param>
internal sealed record ServerConfFileSource(string Path) : IConfigurationSource
{
    /// <inheritdoc/>
    public IConfigurationProvider Build(IConfigurationBuilder builder) => new ServerConfFileProvider(Path);
}
