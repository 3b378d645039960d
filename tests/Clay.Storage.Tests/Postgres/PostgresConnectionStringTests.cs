using Clay.Runtime.Errors;
using Clay.Storage.Postgres;
using Npgsql;

namespace Clay.Storage.Tests.Postgres;

public sealed class PostgresConnectionStringTests
{
    [Fact]
    public void A_url_gives_user_password_host_port_database_and_parameters()
    {
        var settings = PostgresConnectionString.Parse("postgres://clay:p%40ss%3Aword@db.example:6543/clay_prod?sslmode=require&application_name=clay-node-1");

        Assert.Equal(("clay", "p@ss:word", "db.example", 6543, "clay_prod"), (settings.Username, settings.Password, settings.Host, settings.Port, settings.Database));
        Assert.Equal(SslMode.Require, settings.SslMode);
        Assert.Equal("clay-node-1", settings.ApplicationName);
        Assert.Equal("clay@db.example:6543/clay_prod", PostgresConnectionString.Describe(settings));
    }

    [Fact]
    public void A_url_without_port_or_password_uses_the_defaults()
    {
        var settings = PostgresConnectionString.Parse("postgresql://clay@localhost/clay");

        Assert.Equal(("clay", null, "localhost", 5432, "clay"), (settings.Username, settings.Password, settings.Host, settings.Port, settings.Database));
    }

    [Fact]
    public void An_npgsql_connection_string_is_taken_as_it_is()
    {
        var settings = PostgresConnectionString.Parse("Host=10.0.0.5;Port=5433;Username=clay;Password=x;Database=c");

        Assert.Equal(("clay", "10.0.0.5", 5433, "c"), (settings.Username, settings.Host, settings.Port, settings.Database));
    }

    [Theory]
    [InlineData("", "it is empty")]
    [InlineData("mysql://clay@localhost/clay", "a URL must start with postgres:// or postgresql://")]
    [InlineData("postgres:///clay", "the URL has no host (expected postgres://USER:PASSWORD@HOST:PORT/DATABASE)")]
    [InlineData("postgres://clay:secret@localhost/clay?pool=yes", "the URL parameter 'pool' is not supported (supported: sslmode, application_name, connect_timeout, options, target_session_attrs)")]
    public void A_malformed_connection_string_is_refused_naming_the_problem(string value, string reason)
    {
        var error = Assert.Throws<ClayException>(() => PostgresConnectionString.Parse(value));

        Assert.Equal("invalid-arguments", error.Code);
        Assert.Equal($"the PostgreSQL connection string is not valid: {reason}", error.Message);
        Assert.DoesNotContain("secret", error.Message);
    }
}
