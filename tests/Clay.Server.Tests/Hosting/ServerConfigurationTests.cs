using Clay.Runtime.Errors;
using Clay.Server.Hosting;

namespace Clay.Server.Tests.Hosting;

/// <summary>
/// clay-server's options from every source: appsettings.json next to the server and in the data
/// directory, the configuration file, CLAY__ environment variables and the command line. The tests
/// set environment variables of this process, so they live in this one class and run one at a time.
/// </summary>
public sealed class ServerConfigurationTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "clay-config", Guid.NewGuid().ToString("N"));
    private readonly List<string> _variables = [];

    public ServerConfigurationTests()
    {
        Directory.CreateDirectory(ServerDirectory);
        Directory.CreateDirectory(DataDirectory);
    }

    private string ServerDirectory => Path.Combine(_root, "server");

    private string DataDirectory => Path.Combine(_root, "data");

    private string NoConfigFile => Path.Combine(_root, "no-server.conf");

    public void Dispose()
    {
        foreach (var name in _variables) Environment.SetEnvironmentVariable(name, null);
        Directory.Delete(_root, recursive: true);
    }

    private void SetVariable(string name, string value)
    {
        _variables.Add(name);
        Environment.SetEnvironmentVariable(name, value);
    }

    private string Write(string name, string text)
    {
        var path = Path.Combine(_root, name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        return path;
    }

    private ServerOptions Load(params string[] args) =>
        ServerConfiguration.Load(["--data-dir", DataDirectory, .. args], ServerDirectory, NoConfigFile);

    private ClayException Fails(params string[] args)
    {
        var error = Assert.Throws<ClayException>(() => Load(args));
        Assert.Equal(ErrorCodes.InvalidArguments, error.Code);
        return error;
    }

    [Fact]
    public void Cluster_mode_is_off_unless_a_database_is_named_and_its_url_is_checked_without_repeating_the_password()
    {
        Assert.Null(Load().Cluster);

        var options = Load("--cluster", "postgres://clay:secret@db.internal:5433/clay", "--silo-port", "11111", "--advertise", "10.0.0.7");
        Assert.Equal("postgres://clay:secret@db.internal:5433/clay", options.Cluster);
        Assert.Equal(11111, options.SiloPort);
        Assert.Equal(System.Net.IPAddress.Parse("10.0.0.7"), options.Advertise);

        var bad = Fails("--cluster", "mysql://clay:secret@db/clay");
        Assert.Contains("--cluster", bad.Message);
        Assert.Contains("postgres://", bad.Message);
        Assert.DoesNotContain("secret", bad.Message);
        Assert.Contains("--advertise", Fails("--advertise", "node-1").Message);
    }

    [Fact]
    public void Without_any_source_the_defaults_hold()
    {
        var options = Load();

        var defaults = new ServerOptions();
        Assert.Equal(DataDirectory, options.DataDirectory);
        Assert.Equal(defaults.Port, options.Port);
        Assert.Equal(defaults.MaxIdle, options.MaxIdle);
        Assert.Equal(defaults.Limits, options.Limits);
    }

    [Fact]
    public void Component_code_is_isolated_unless_the_in_process_mode_is_chosen()
    {
        Assert.Equal(Clay.Server.Isolation.IsolationMode.Process, Load().Isolation);
        Assert.Equal(Clay.Server.Isolation.IsolationMode.None, Load("--isolation", "none").Isolation);
        Assert.Equal(256L << 20, Load("--host-memory", "256MiB").HostMemoryBytes);
        Assert.Contains("must be 'process' (component code in supervised host processes) or 'none'", Fails("--isolation", "off").Message);
        Assert.Contains("'--host-memory' (command line): must be at least 32MiB", Fails("--host-memory", "1MiB").Message);
    }

    [Fact]
    public void Each_source_overrides_the_ones_before_it()
    {
        Write("server/appsettings.json", """
            { "Logging": { "LogLevel": { "Default": "Warning" } },
              "Clay": { "MemoryBudget": "1MiB", "MaxIdle": "1m", "SnapshotEvery": 5, "IdempotencyKeys": 5, "Port": 1000 } }
            """);
        Write("data/appsettings.json", """{ "Clay": { "MaxIdle": "2m", "SnapshotEvery": 6, "IdempotencyKeys": 6, "Port": 2000 } }""");
        var conf = Write("server.conf", "# operator's file\nsnapshot-every 7\nidempotency-keys 7\nport 3000\n");
        SetVariable("CLAY__IDEMPOTENCYKEYS", "8");
        SetVariable("Clay__Port", "4000");

        var options = Load("--config", conf, "--port", "5000");

        Assert.Equal(1L << 20, options.MemoryBudgetBytes);        // only next to the server
        Assert.Equal(TimeSpan.FromMinutes(2), options.MaxIdle);   // the data directory's file wins over it
        Assert.Equal(7, options.SnapshotEvery);                   // the configuration file wins over both
        Assert.Equal(8, options.IdempotencyKeys);                 // the environment wins over the file
        Assert.Equal(5000, options.Port);                         // the command line wins over all
    }

    [Fact]
    public void The_default_config_file_is_read_unless_config_names_another()
    {
        var home = Write("home/server.conf", "max-pending 17\n");
        var other = Write("other.conf", "max-workers 3\n");

        var fromHome = ServerConfiguration.Load(["--data-dir", DataDirectory], ServerDirectory, home);
        var fromOther = ServerConfiguration.Load(["--data-dir", DataDirectory, "--config", other], ServerDirectory, home);

        Assert.Equal(17, fromHome.Limits.MaxPendingInvocations);
        Assert.Equal(3, fromOther.MaxWorkersPerComponent);
        Assert.Equal(new ServerOptions().Limits.MaxPendingInvocations, fromOther.Limits.MaxPendingInvocations);
    }

    [Fact]
    public void A_json_config_file_and_dotnet_durations_are_understood()
    {
        var json = Write("clay.json", """{ "Clay": { "InvocationTimeout": "00:00:30", "MaxPackageSize": 1048576 } }""");

        var options = Load("--config", json, "--max-idle=90s");

        Assert.Equal(TimeSpan.FromSeconds(30), options.InvocationTimeout);
        Assert.Equal(1L << 20, options.MaxPackageBytes);
        Assert.Equal(TimeSpan.FromSeconds(90), options.MaxIdle);
    }

    [Fact]
    public void Telemetry_options_are_read_and_bad_values_named()
    {
        var options = Load("--log-format", "json", "--otlp-endpoint", "http://collector:4318", "--trace-sample-ratio", "0.01");

        Assert.Equal("json", options.LogFormat);
        Assert.Equal(new Uri("http://collector:4318"), options.OtlpEndpoint);
        Assert.Equal(0.01, options.TraceSampleRatio);
        Assert.Equal("'--log-format' (command line): is text or json, not 'yaml'", Fails("--log-format", "yaml").Message);
        Assert.Contains("between 0 and 1", Fails("--trace-sample-ratio", "2").Message, StringComparison.Ordinal);
        Assert.Contains("http:// or https:// URL", Fails("--otlp-endpoint", "collector:4318").Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_option_is_named_with_its_source()
    {
        var settings = Write("server/appsettings.json", """{ "Clay": { "MemoryBudgt": "1MiB" } }""");
        Assert.Equal($"unknown option 'Clay:MemoryBudgt' (in {settings}); the options are DataDir, Port, Listen, MemoryBudget, MaxIdle, "
            + "SnapshotEvery, SnapshotEveryBytes, IdempotencyKeys, MaxArgumentSize, MaxResultSize, MaxEntrySize, MaxPending, MaxWorkers, "
            + "InvocationTimeout, RetryAttempts, RetryDelay, MaxPackageSize, MaxUnpackedSize, MaxPackageEntrySize, MaxPackageEntries, MaxManifestSize, "
            + "MaxConcurrentUploads, Isolation, HostMemory, InvocationCpuLimit, InvocationBlockLimit, ShutdownTimeout, QueryTimeout, Cluster, SiloPort, Advertise, LogFormat, OtlpEndpoint, TraceSampleRatio",
            Fails().Message);
        File.Delete(settings);

        SetVariable("CLAY__MAXIDEL", "1m");
        Assert.StartsWith("unknown option 'CLAY__MAXIDEL' (environment variable); the options are DataDir,", Fails().Message);
        Environment.SetEnvironmentVariable("CLAY__MAXIDEL", null);

        var conf = Write("server.conf", "port 1\n\nmax-idel 1m\n");
        Assert.StartsWith($"{conf}:3: unknown option 'max-idel'; the options are data-dir, port,", Fails("--config", conf).Message);

        Assert.StartsWith("unknown option '--max-idel'; the options are --data-dir, --port,", Fails("--max-idel", "1m").Message);
    }

    [Fact]
    public void A_dashed_key_in_json_is_told_how_to_write_it()
    {
        var settings = Write("data/appsettings.json", """{ "Clay": { "memory-budget": "1MiB" } }""");

        Assert.Equal($"unknown option 'Clay:memory-budget' (in {settings}); write it MemoryBudget", Fails().Message);
    }

    [Fact]
    public void A_bad_size_or_duration_names_the_option_its_source_and_the_problem()
    {
        SetVariable("CLAY__MEMORYBUDGET", "64XB");
        Assert.Equal("'CLAY__MEMORYBUDGET' (environment variable): '64XB' is not a size: use for example 64MiB, 1GiB or a number of bytes",
            Fails().Message);
        Environment.SetEnvironmentVariable("CLAY__MEMORYBUDGET", null);

        var settings = Write("server/appsettings.json", """{ "Clay": { "MaxIdle": "ten minutes" } }""");
        Assert.Equal($"'Clay:MaxIdle' (in {settings}): 'ten minutes' is not a duration: use for example 500ms, 30s, 10m, 1h or 00:10:00", Fails().Message);
        File.Delete(settings);

        var conf = Write("server.conf", "# sizes\nmax-argument-size 2MiB\nmax-result-size 2GiB\n");
        Assert.Equal($"'max-result-size' (at {conf}:3): must be between 1KiB and 1GiB, not '2GiB'", Fails("--config", conf).Message);

        Assert.Equal("'--snapshot-every' (command line): takes a whole number, not 'often'", Fails("--snapshot-every", "often").Message);
        Assert.Equal("'--memory-budget' (command line): '1e30GiB' is too large a size", Fails("--memory-budget", "1e30GiB").Message);
        Assert.Equal("option --port needs a value", Fails("--port").Message);
    }

    [Fact]
    public void An_option_set_empty_is_an_error_not_a_default()
    {
        SetVariable("CLAY__PORT", " ");

        Assert.Equal("'CLAY__PORT' (environment variable) needs a value", Fails().Message);
    }

    [Fact]
    public void Options_that_contradict_each_other_fail_validation()
    {
        Assert.Equal("max-entry-size must exceed max-argument-size and max-result-size by at least 4KiB (the entry holds them)",
            Fails("--max-argument-size", "4MiB", "--max-entry-size", "4MiB").Message);
    }

    [Fact]
    public void The_data_directory_cannot_be_moved_by_its_own_file()
    {
        var settings = Write("data/appsettings.json", """{ "Clay": { "DataDir": "/elsewhere" } }""");

        Assert.Equal($"'Clay:DataDir' cannot be set in {settings}, the data directory's own file; set it in another source", Fails().Message);
    }

    [Fact]
    public void The_data_directory_from_the_environment_decides_which_appsettings_is_read()
    {
        SetVariable("CLAY__DATADIR", DataDirectory);
        Write("data/appsettings.json", """{ "Clay": { "MaxWorkers": 12 } }""");

        var options = ServerConfiguration.Load([], ServerDirectory, NoConfigFile);

        Assert.Equal(DataDirectory, options.DataDirectory);
        Assert.Equal(12, options.MaxWorkersPerComponent);
    }

    [Fact]
    public void A_malformed_json_file_is_reported_with_its_path()
    {
        var settings = Write("server/appsettings.json", """{ "Clay": { "Port": 1 """);

        var error = Fails();

        Assert.Contains(settings, error.Message);
    }
}
