using Clay.Server.Hosting;

namespace Clay.Server.Tests.Hosting;

/// <summary>The check every request but /health goes through.</summary>
public sealed class AccessTokenTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("clay-token-").FullName;

    [Fact]
    public void Only_the_bearer_header_of_this_token_is_accepted()
    {
        var token = AccessToken.LoadOrCreate(_directory);

        Assert.True(token.Accepts("Bearer " + token.Value));
        Assert.True(token.Accepts("  Bearer " + token.Value + " "));
        Assert.False(token.Accepts(null));
        Assert.False(token.Accepts(""));
        Assert.False(token.Accepts(token.Value));
        Assert.False(token.Accepts("Bearer " + token.Value[..^1]));
        Assert.False(token.Accepts("Bearer " + token.Value + "x"));
        Assert.False(token.Accepts("Bearer " + new string('x', 4096)));
        Assert.False(token.Accepts("Bearer " + token.Value.Replace('_', 'é')));
    }

    /// <inheritdoc/>
    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
