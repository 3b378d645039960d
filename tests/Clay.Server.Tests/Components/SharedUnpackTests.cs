using System.Security.Cryptography;
using Clay.Server.Components;
using Microsoft.Extensions.Logging.Abstractions;

namespace Clay.Server.Tests.Components;

/// <summary>
/// A cluster node unpacks each component version from the shared store into its own data directory.
/// A node killed half-way through leaves a torn copy behind; on its next start that copy must be
/// replaced whole, never loaded. Real files, a real package, a real load context.
/// </summary>
public sealed class SharedUnpackTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "clay-unpack", Guid.NewGuid().ToString("N"));
    private readonly InMemoryComponentStore _store = new();
    private readonly byte[] _package = LedgerPackage.Build();

    public void Dispose()
    {
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { }
    }

    private string Hash => Convert.ToHexStringLower(SHA256.HashData(_package));

    private ComponentRegistry Node(string name) =>
        new(Path.Combine(_root, name), new PackageLimits(), NullLogger<ComponentRegistry>.Instance, _store);

    /// <summary>Uploads <paramref name="package"/> as the REST endpoint does: staged to a file first.</summary>
    private static async Task<(ComponentRecord Record, bool Unchanged)> UploadAsync(ComponentRegistry registry, byte[] package)
    {
        using var staged = registry.Stage();
        await staged.WriteAsync(package, CancellationToken.None);
        await staged.CompleteAsync(CancellationToken.None);
        return await registry.UploadAsync(LedgerPackage.Name, staged, CancellationToken.None);
    }

    private string VersionDirectory(string node) => Path.Combine(_root, node, "components", "test_ledger", "0");

    /// <summary>Version 0 of the ledger, deployed through another node.</summary>
    private async Task DeployAsync()
    {
        using var deployer = Node("deployer");
        var (record, unchanged) = await UploadAsync(deployer, _package);
        Assert.Equal((0L, false), (record.Version, unchanged));
        Assert.Equal(Hash, File.ReadAllText(Path.Combine(VersionDirectory("deployer"), ComponentRegistry.UnpackedMarkerName)));
    }

    public enum Torn { ManifestOnly, EverythingButTheMarker, AnotherPackagesMarker }

    [Theory]
    [InlineData(Torn.ManifestOnly)]
    [InlineData(Torn.EverythingButTheMarker)]
    [InlineData(Torn.AnotherPackagesMarker)]
    public async Task A_version_directory_that_is_not_a_whole_copy_of_the_package_is_unpacked_again_not_used(Torn torn)
    {
        await DeployAsync();
        // What a node killed while unpacking (or while removing an old copy) leaves in its data directory.
        var directory = VersionDirectory("node");
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, ComponentRegistry.ManifestName), $$"""{"name":"{{LedgerPackage.Name}}","entryAssembly":"{{LedgerPackage.AssemblyFileName}}"}""");
        if (torn != Torn.ManifestOnly) File.Copy(typeof(Clay.Reliability.Ledger).Assembly.Location, Path.Combine(directory, LedgerPackage.AssemblyFileName));
        if (torn == Torn.AnotherPackagesMarker) File.WriteAllText(Path.Combine(directory, ComponentRegistry.UnpackedMarkerName), new string('0', 64));
        var leftover = Path.Combine(directory, "left-by-the-crash");
        File.WriteAllText(leftover, "");

        using var node = Node("node");
        var loaded = await node.GetLatestAsync(LedgerPackage.Name);

        Assert.Contains(loaded.Model.Functions, f => f.Name == "add");
        Assert.Equal(1, _store.PackagesRead);
        Assert.False(File.Exists(leftover), "the torn directory was used, not replaced");
        Assert.Equal(Hash, File.ReadAllText(Path.Combine(directory, ComponentRegistry.UnpackedMarkerName)));
        Assert.True(File.Exists(Path.Combine(directory, LedgerPackage.AssemblyFileName)));
        Assert.Equal(["0"], Directory.GetDirectories(Path.GetDirectoryName(directory)!).Select(Path.GetFileName));
    }

    [Fact]
    public async Task A_whole_copy_left_by_an_earlier_run_is_used_without_unpacking_again()
    {
        await DeployAsync();
        using (var first = Node("node")) await first.GetLatestAsync(LedgerPackage.Name);
        var stamp = Path.Combine(VersionDirectory("node"), "kept");
        File.WriteAllText(stamp, "");

        using var restarted = Node("node");
        await restarted.GetLatestAsync(LedgerPackage.Name);

        Assert.Equal(1, _store.PackagesRead);
        Assert.True(File.Exists(stamp));
    }

    [Fact]
    public async Task Many_first_calls_at_once_unpack_the_version_once_and_all_load_it()
    {
        await DeployAsync();
        using var node = Node("node");
        using var start = new ManualResetEventSlim();
        var calls = Enumerable.Range(0, 16).Select(_ => Task.Run(async () =>
        {
            start.Wait();
            return await node.GetAsync(LedgerPackage.Name, 0);
        })).ToArray();
        start.Set();

        var loaded = await Task.WhenAll(calls);

        Assert.All(loaded, l => Assert.Same(loaded[0], l));
        Assert.Equal(1, _store.PackagesRead);
        Assert.Equal(["0"], Directory.GetDirectories(Path.GetDirectoryName(VersionDirectory("node"))!).Select(Path.GetFileName));
    }

    [Fact]
    public async Task Staging_and_discarded_directories_a_crash_left_are_removed_at_start()
    {
        await DeployAsync();
        var component = Path.GetDirectoryName(VersionDirectory("node"))!;
        Directory.CreateDirectory(Path.Combine(component, "0.unpacking-" + Guid.NewGuid().ToString("N")));
        Directory.CreateDirectory(Path.Combine(component, "0.discarded-" + Guid.NewGuid().ToString("N")));

        using var node = Node("node");
        await node.GetLatestAsync(LedgerPackage.Name);

        Assert.Equal(["0"], Directory.GetDirectories(component).Select(Path.GetFileName));
    }

    [Fact]
    public async Task A_load_that_failed_is_tried_again_on_the_next_call()
    {
        await DeployAsync();
        using var node = Node("node");
        await node.GetLatestAsync(LedgerPackage.Name);
        var directory = VersionDirectory("node");
        using var other = Node("other");
        // A copy marked whole whose assembly went missing afterwards (removed by hand, say): loading it fails.
        Directory.CreateDirectory(VersionDirectory("other"));
        File.Copy(Path.Combine(directory, ComponentRegistry.ManifestName), Path.Combine(VersionDirectory("other"), ComponentRegistry.ManifestName));
        File.Copy(Path.Combine(directory, ComponentRegistry.UnpackedMarkerName), Path.Combine(VersionDirectory("other"), ComponentRegistry.UnpackedMarkerName));
        await Assert.ThrowsAnyAsync<IOException>(async () => await other.GetLatestAsync(LedgerPackage.Name));

        // Once the directory is gone, the next call unpacks the version and loads it: the failure was not remembered.
        Directory.Delete(VersionDirectory("other"), recursive: true);
        var loaded = await other.GetLatestAsync(LedgerPackage.Name);

        Assert.Contains(loaded.Model.Functions, f => f.Name == "add");
    }

    [Fact]
    public async Task A_single_server_upload_replaces_a_directory_a_crash_left_for_its_version()
    {
        var data = Path.Combine(_root, "single");
        var directory = Path.Combine(data, "components", "test_ledger", "0");
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, "left-by-the-crash"), "");

        using var server = new ComponentRegistry(data, new PackageLimits(), NullLogger<ComponentRegistry>.Instance);
        await UploadAsync(server, _package);

        string[] whole = ["clay-component.json", ComponentRegistry.UnpackedMarkerName, LedgerPackage.AssemblyFileName, "package.zip"];
        Assert.Equal(whole.Order(StringComparer.Ordinal), Directory.GetFiles(directory).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Contains((await server.GetLatestAsync(LedgerPackage.Name)).Model.Functions, f => f.Name == "add");
    }
}
