using System.Globalization;
using Clay.Runtime.Errors;
using Npgsql;

namespace Clay.Storage.Postgres;

/// <summary>
/// Reads the two ways people write where a PostgreSQL database is: the URL that <c>psql</c> and
/// libpq take (<c>postgres://USER:PASSWORD@HOST:PORT/DATABASE?sslmode=require</c>) and Npgsql's
/// <c>Key=Value;…</c> connection string.
/// </summary>
public static class PostgresConnectionString
{
    /// <summary>The query parameters of a URL that Clay understands, with Npgsql's name for each.</summary>
    private static readonly Dictionary<string, string> UrlParameters = new(StringComparer.OrdinalIgnoreCase)
    {
        ["sslmode"] = "SSL Mode",
        ["application_name"] = "Application Name",
        ["connect_timeout"] = "Timeout",
        ["options"] = "Options",
        ["target_session_attrs"] = "Target Session Attributes",
    };

    /// <summary>
    /// Turns <paramref name="value"/> into Npgsql's settings. Fails with <c>invalid-arguments</c>
    /// naming what is wrong; the message never repeats the password.
    /// </summary>
    /// <param name="value">A <c>postgres://</c> or <c>postgresql://</c> URL, or an Npgsql connection string.</param>
    public static NpgsqlConnectionStringBuilder Parse(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var text = value.Trim();
        if (text.Length == 0) throw Invalid("it is empty");
        if (text.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase) || text.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase))
        {
            return FromUrl(text);
        }
        if (text.Contains("://", StringComparison.Ordinal)) throw Invalid("a URL must start with postgres:// or postgresql://");
        try
        {
            return new NpgsqlConnectionStringBuilder(text);
        }
        catch (ArgumentException ex)
        {
            throw Invalid($"it is neither a postgres:// URL nor a valid Npgsql connection string ({ex.Message})");
        }
    }

    /// <summary>Where <paramref name="settings"/> point, for messages: <c>USER@HOST:PORT/DATABASE</c>, without the password.</summary>
    /// <param name="settings">Npgsql's settings.</param>
    public static string Describe(NpgsqlConnectionStringBuilder settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return $"{settings.Username}@{settings.Host}:{settings.Port}/{settings.Database}";
    }

    private static NpgsqlConnectionStringBuilder FromUrl(string text)
    {
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || string.IsNullOrEmpty(uri.Host))
        {
            throw Invalid("the URL has no host (expected postgres://USER:PASSWORD@HOST:PORT/DATABASE)");
        }
        var builder = new NpgsqlConnectionStringBuilder { Host = uri.Host.Trim('[', ']') };
        if (!uri.IsDefaultPort && uri.Port > 0) builder.Port = uri.Port;
        if (uri.UserInfo.Length > 0)
        {
            var colon = uri.UserInfo.IndexOf(':', StringComparison.Ordinal);
            builder.Username = Uri.UnescapeDataString(colon < 0 ? uri.UserInfo : uri.UserInfo[..colon]);
            if (colon >= 0) builder.Password = Uri.UnescapeDataString(uri.UserInfo[(colon + 1)..]);
        }
        var database = Uri.UnescapeDataString(uri.AbsolutePath.TrimStart('/'));
        if (database.Length > 0) builder.Database = database;
        foreach (var pair in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            var key = Uri.UnescapeDataString(equals < 0 ? pair : pair[..equals]);
            var parameterValue = equals < 0 ? "" : Uri.UnescapeDataString(pair[(equals + 1)..]);
            if (!UrlParameters.TryGetValue(key, out var npgsqlKey))
            {
                throw Invalid(string.Create(CultureInfo.InvariantCulture,
                    $"the URL parameter '{key}' is not supported (supported: {string.Join(", ", UrlParameters.Keys)})"));
            }
            try
            {
                builder[npgsqlKey] = parameterValue;
            }
            catch (ArgumentException ex)
            {
                throw Invalid($"the URL parameter '{key}' has a bad value ({ex.Message})");
            }
        }
        return builder;
    }

    private static ClayException Invalid(string reason) =>
        new(ErrorCodes.InvalidArguments, $"the PostgreSQL connection string is not valid: {reason}");
}
