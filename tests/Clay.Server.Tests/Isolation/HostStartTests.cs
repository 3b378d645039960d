using Clay.Runtime.Execution;
using Clay.Server.Isolation;

namespace Clay.Server.Tests.Isolation;

/// <summary>What a component host is started with: its settings and its environment.</summary>
public sealed class HostStartTests
{
    [Fact]
    public void Settings_read_back_as_written_with_every_field_off_its_default()
    {
        var settings = new HostSettings
        {
            Component = "demo:cart",
            SnapshotEvery = 7,
            SnapshotEveryBytes = 1234567,
            IdempotencyKeys = 99,
            InvocationRetry = new Sdk.RetryPolicy(7, TimeSpan.FromMilliseconds(30), TimeSpan.FromSeconds(9), 1.5),
            Limits = new WorkerLimits { MaxArgumentBytes = 11, MaxResultBytes = 12, MaxEntryBytes = 13, MaxPendingInvocations = 14 },
            MemoryBudgetBytes = 1L << 33,
            QueryTimeout = TimeSpan.FromSeconds(3),
            Sandbox = true,
            ComponentDirectory = "/data/components/demo_cart",
            ScratchDirectory = "/data/hosts/demo_cart",
            InvocationCpuLimit = TimeSpan.FromSeconds(2),
            InvocationBlockLimit = TimeSpan.FromSeconds(4),
            DataLimitBytes = 1L << 31,
            Tracing = true,
            OtlpEndpoint = new Uri("http://localhost:4317"),
            TraceSampleRatio = 0.25,
        };

        // Every field, the nested ones too, is off its default: one added later and not written fails here.
        OffDefault(new HostSettings(), settings);
        OffDefault(new HostSettings().InvocationRetry, settings.InvocationRetry);
        OffDefault(new HostSettings().Limits, settings.Limits);

        var environment = settings.ToEnvironment().ToDictionary();
        var read = HostSettings.FromEnvironment(environment.GetValueOrDefault);

        Assert.Equal(settings, read);
        Assert.Equal("demo:cart", environment["CLAY_HOST_COMPONENT"]);
        Assert.Equal("7", environment["CLAY_HOST_SNAPSHOT_EVERY"]);
        Assert.Equal("13", environment["CLAY_HOST_MAX_ENTRY_BYTES"]);
        Assert.Equal("1.5", environment["CLAY_HOST_RETRY_MULTIPLIER"]);
        Assert.All(environment.Keys, name => Assert.StartsWith(HostSettings.Prefix, name));
        var none = (settings with { OtlpEndpoint = null }).ToEnvironment().ToDictionary();
        Assert.Equal(settings with { OtlpEndpoint = null }, HostSettings.FromEnvironment(none.GetValueOrDefault));
    }

    [Fact]
    public void Settings_missing_or_malformed_are_refused_naming_the_variable()
    {
        var environment = new HostSettings { Component = "demo:cart" }.ToEnvironment().ToDictionary();

        var missing = new Dictionary<string, string>(environment);
        missing.Remove("CLAY_HOST_SCRATCH_DIRECTORY");
        Assert.Equal("CLAY_HOST_SCRATCH_DIRECTORY is not set: a component host is started by clay-server, which sets it",
            Assert.Throws<InvalidOperationException>(() => HostSettings.FromEnvironment(missing.GetValueOrDefault)).Message);
        Assert.Equal("CLAY_HOST_SNAPSHOT_EVERY is 'x', not a whole number from -2147483648 to 2147483647: the host and the server that started it are not of one build",
            Assert.Throws<InvalidOperationException>(() => HostSettings.FromEnvironment(With("CLAY_HOST_SNAPSHOT_EVERY", "x"))).Message);
        Assert.StartsWith("CLAY_HOST_MAX_ENTRY_BYTES is '4294967296', not a whole number from -2147483648 to 2147483647:",
            Assert.Throws<InvalidOperationException>(() => HostSettings.FromEnvironment(With("CLAY_HOST_MAX_ENTRY_BYTES", "4294967296"))).Message);
        Assert.StartsWith("CLAY_HOST_SANDBOX is 'yes', not 1 or 0",
            Assert.Throws<InvalidOperationException>(() => HostSettings.FromEnvironment(With("CLAY_HOST_SANDBOX", "yes"))).Message);
        Assert.StartsWith("CLAY_HOST_TRACE_SAMPLE_RATIO is 'half', not a number",
            Assert.Throws<InvalidOperationException>(() => HostSettings.FromEnvironment(With("CLAY_HOST_TRACE_SAMPLE_RATIO", "half"))).Message);

        Func<string, string?> With(string name, string value) => new Dictionary<string, string>(environment) { [name] = value }.GetValueOrDefault;
    }

    private static void OffDefault<T>(T defaults, T settings)
    {
        foreach (var property in typeof(T).GetProperties(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Instance))
        {
            Assert.True(!Equals(property.GetValue(defaults), property.GetValue(settings)), $"{typeof(T).Name}.{property.Name} is at its default");
        }
    }

    [Fact]
    public void A_host_gets_no_secret_of_the_server_runs_its_precompiled_code_as_it_is_and_its_pool_does_not_spin()
    {
        var server = new System.Collections.Hashtable
        {
            ["PATH"] = "/usr/bin",
            ["CLAY_TOKEN"] = "secret",
            ["DATABASE_URL"] = "postgres://user:password@db/clay",
            ["LC_ALL"] = "C.UTF-8",
        };
        var environment = new Dictionary<string, string?> { ["LEFT_OVER"] = "x" };

        HostEnvironment.Fill(environment, server, "/data/hosts/demo_cart");

        Assert.Equal(new Dictionary<string, string?>
        {
            ["PATH"] = "/usr/bin",
            ["LC_ALL"] = "C.UTF-8",
            [HostEnvironment.TieredCompilation] = "0",
            [HostEnvironment.PoolSpinLimit] = "0",
            ["HOME"] = "/data/hosts/demo_cart",
            ["TMPDIR"] = "/data/hosts/demo_cart",
        }, environment);
    }

    [Fact]
    public void A_server_told_how_to_compile_tells_its_hosts_the_same()
    {
        var environment = new Dictionary<string, string?>();

        HostEnvironment.Fill(environment, new System.Collections.Hashtable { [HostEnvironment.TieredCompilation] = "1", [HostEnvironment.PoolSpinLimit] = "0x46" }, "/scratch");

        Assert.Equal("1", environment[HostEnvironment.TieredCompilation]);
        Assert.Equal("0x46", environment[HostEnvironment.PoolSpinLimit]);
    }

    [Fact]
    public void A_host_profiled_with_the_server_writes_its_perf_map_in_its_scratch_directory_the_only_one_it_may_write()
    {
        var profiled = new Dictionary<string, string?>();
        var plain = new Dictionary<string, string?>();

        HostEnvironment.Fill(profiled, new System.Collections.Hashtable { [HostEnvironment.PerfMapEnabled] = "1", [HostEnvironment.PerfMapPath] = "/tmp" }, "/scratch");
        HostEnvironment.Fill(plain, new System.Collections.Hashtable { [HostEnvironment.PerfMapEnabled] = "0" }, "/scratch");

        Assert.Equal("1", profiled[HostEnvironment.PerfMapEnabled]);
        Assert.Equal("/scratch", profiled[HostEnvironment.PerfMapPath]);
        Assert.False(plain.ContainsKey(HostEnvironment.PerfMapPath));
    }

    [Fact]
    public void A_scratch_path_too_long_for_the_runtimes_diagnostic_socket_gets_a_short_link_that_a_restart_clears()
    {
        var root = Directory.CreateTempSubdirectory("clay-scratch-").FullName;
        var gone = Directory.CreateTempSubdirectory("clay-gone-").FullName;
        var links = new List<string>();
        try
        {
            var shortScratch = Directory.CreateDirectory(Path.Combine(root, "s")).FullName;
            var longScratch = Directory.CreateDirectory(Path.Combine(root, new string('h', 80), "demo_cart")).FullName;
            var elsewhere = Directory.CreateDirectory(Path.Combine(gone, new string('e', 80))).FullName;
            Assert.Null(HostEnvironment.ShortTemporaryLink(shortScratch));

            var link = HostEnvironment.ShortTemporaryLink(longScratch);
            Assert.NotNull(link);
            links.Add(link);
            Assert.True(link.Length + "/dotnet-diagnostic-4194304-9999999999-socket".Length <= 107, link);
            Assert.Equal(longScratch, new DirectoryInfo(link).ResolveLinkTarget(returnFinalTarget: true)?.FullName);
            var environment = new Dictionary<string, string?>();
            HostEnvironment.Fill(environment, new System.Collections.Hashtable(), longScratch, link);
            Assert.Equal(link, environment["TMPDIR"]);
            Assert.Equal(longScratch, environment["HOME"]);

            // Another server's host's link, and one whose folder was deleted.
            var other = HostEnvironment.ShortTemporaryLink(elsewhere)!;
            links.Add(other);
            var dangling = HostEnvironment.ShortTemporaryLink(Directory.CreateDirectory(Path.Combine(gone, new string('d', 80))).FullName)!;
            links.Add(dangling);
            Directory.Delete(Path.Combine(gone, new string('d', 80)));

            HostEnvironment.DeleteStaleLinks(root);

            Assert.Null(new FileInfo(link).LinkTarget);
            Assert.Null(new FileInfo(dangling).LinkTarget);
            Assert.Equal(elsewhere, new FileInfo(other).LinkTarget);
        }
        finally
        {
            foreach (var link in links) File.Delete(link);
            Directory.Delete(root, recursive: true);
            Directory.Delete(gone, recursive: true);
        }
    }
}
