using System.Security.Cryptography;
using System.Text;

namespace Clay.Server.Hosting;

/// <summary>
/// The server's access token: required on every request except <c>GET /health</c>, on loopback
/// too (there it is the local credential that <c>clay</c> on the same machine reads by itself).
/// Generated at the first start, kept in <c>access-token</c> in the data directory, readable by its
/// owner only.
/// </summary>
public sealed class AccessToken
{
    /// <summary>The token file's name in the data directory.</summary>
    public const string FileName = "access-token";

    private readonly byte[] _expected;

    private AccessToken(string value, string path, bool created)
    {
        Value = value;
        FilePath = path;
        Created = created;
        _expected = Encoding.UTF8.GetBytes("Bearer " + value);
    }

    /// <summary>The token.</summary>
    public string Value { get; }

    /// <summary>Where it is stored.</summary>
    public string FilePath { get; }

    /// <summary>True when this start generated it (it is shown once, then).</summary>
    public bool Created { get; }

    /// <summary>What every generated token starts with.</summary>
    public const string TokenPrefix = "clay_";

    /// <summary>Reads the token from <paramref name="dataDirectory"/>, generating it when there is none.</summary>
    public static AccessToken LoadOrCreate(string dataDirectory)
    {
        var path = Path.Combine(dataDirectory, FileName);
        if (File.Exists(path))
        {
            // Readable by its owner only, whatever an earlier hand did to it.
            if (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(path) & ~(UnixFileMode.UserRead | UnixFileMode.UserWrite)) != 0)
            {
                File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }
            var existing = File.ReadAllText(path).Trim();
            if (existing.Length >= 16) return new AccessToken(existing, path, created: false);
        }
        // The prefix names the token and keeps it from starting with '-', which a command line
        // (`clay profile set token …`) would read as an option.
        var token = TokenPrefix + System.Buffers.Text.Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        Write(path, token);
        return new AccessToken(token, path, created: true);
    }

    /// <summary>
    /// Takes <paramref name="value"/> (a cluster's shared token) as this node's, writing it into the data
    /// directory so a local <c>clay</c> finds it; this token when it is the same.
    /// </summary>
    public AccessToken Adopt(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value == Value) return this;
        Write(FilePath, value);
        return new AccessToken(value, FilePath, created: false);
    }

    private static void Write(string path, string token)
    {
        var temporary = path + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using (var stream = new FileStream(temporary, options))
        {
            stream.Write(Encoding.UTF8.GetBytes(token + "\n"));
            stream.Flush(flushToDisk: true);
        }
        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>True when <paramref name="authorization"/> is <c>Bearer</c> and this token (compared in constant time).</summary>
    public bool Accepts(string? authorization)
    {
        if (authorization is null) return false;
        var text = authorization.AsSpan().Trim();
        // Encoded on the stack: this runs for every request.
        var length = Encoding.UTF8.GetMaxByteCount(text.Length);
        Span<byte> bytes = length <= 512 ? stackalloc byte[length] : new byte[length];
        return CryptographicOperations.FixedTimeEquals(bytes[..Encoding.UTF8.GetBytes(text, bytes)], _expected);
    }
}
