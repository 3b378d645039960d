using System.IO.Compression;
using System.Net;
using System.Text;
using Clay.Reliability;
using Xunit.Abstractions;

namespace Clay.EndToEnd.Tests;

/// <summary>
/// Uploads are bounded by what they really hold, counted as they inflate: a zip bomb, a package of
/// 20,000 entries and a 50 MB manifest are refused with their own codes and leave nothing behind;
/// parallel large uploads are streamed to disk, so the server's memory stays bounded.
/// </summary>
[Trait("Category", "EndToEnd")]
public sealed class PackageLimitTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "clay-e2e", Guid.NewGuid().ToString("N"));
    private ServerProcess _server = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _server = new ServerProcess(Path.Combine(_root, "data"));
        await _server.StartAsync(); // the default limits
        _http = _server.CreateHttpClient();
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _server.DisposeAsync();
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { }
    }

    [Fact]
    public async Task A_zip_bomb_is_refused_at_the_entry_limit_however_small_the_upload()
    {
        var bomb = Bomb(entries: 1, bytesEach: 1L << 30); // 1 GiB of zeros in about 1 MB

        var (status, body) = await Uploads.SendAsync(_http, "demo:bomb", bomb);

        Assert.InRange(bomb.Length, 500_000, 2_000_000);
        Assert.Equal(413, status);
        Assert.Equal(("package-unpacked-too-large", "the package entry 'zeros0.bin' unpacks to more than 67,108,864 bytes (--max-package-entry-size)"),
            Uploads.Error(body));
        Uploads.AssertNothingLeft(_server.DataDirectory, "demo:bomb");
    }

    [Fact]
    public async Task A_zip_bomb_spread_over_entries_is_refused_at_the_total_limit()
    {
        var bomb = Bomb(entries: 6, bytesEach: 60L << 20); // each under the entry limit, 360 MiB in all

        var (status, body) = await Uploads.SendAsync(_http, "demo:bomb", bomb);

        Assert.Equal(413, status);
        Assert.Equal(("package-unpacked-too-large", "the package unpacks to more than 268,435,456 bytes (--max-unpacked-size)"), Uploads.Error(body));
        Uploads.AssertNothingLeft(_server.DataDirectory, "demo:bomb");
    }

    [Fact]
    public async Task A_package_of_twenty_thousand_entries_is_refused_before_it_is_opened()
    {
        var files = Enumerable.Range(0, 20_000).Select(i => ($"f/{i}.txt", new[] { (byte)'x' })).ToArray();

        var (status, body) = await Uploads.SendAsync(_http, "demo:many", ComponentCompiler.Zip(files));

        Assert.Equal(413, status);
        Assert.Equal(("package-too-many-entries", "the package holds more than 4,096 entries, the most the server accepts (--max-package-entries)"),
            Uploads.Error(body));
        Uploads.AssertNothingLeft(_server.DataDirectory, "demo:many");
    }

    [Fact]
    public async Task A_fifty_megabyte_manifest_is_refused()
    {
        var manifest = Encoding.UTF8.GetBytes("{\"name\":\"demo:manifest\",\"entryAssembly\":\"x.dll\",\"padding\":\"" + new string('x', 50_000_000) + "\"}");

        var (status, body) = await Uploads.SendAsync(_http, "demo:manifest", ComponentCompiler.Zip(("clay-component.json", manifest)));

        Assert.Equal(413, status);
        Assert.Equal(("manifest-too-large", "the package's clay-component.json is larger than 1,048,576 bytes (--max-manifest-size)"), Uploads.Error(body));
        Uploads.AssertNothingLeft(_server.DataDirectory, "demo:manifest");
    }

    [Fact]
    public async Task An_upload_over_the_size_limit_without_a_declared_length_is_refused_while_it_streams()
    {
        // Chunked: the server only learns the size by counting what arrives.
        using var endless = new ZeroStream((64L << 20) + (512 << 10)); // just over --max-package-size

        var (status, body) = await Uploads.SendAsync(_http, "demo:large", endless);

        Assert.Equal(413, status);
        Assert.Equal("package-too-large", Uploads.Error(body).Code);
        Uploads.AssertNothingLeft(_server.DataDirectory, "demo:large");
    }

    [Fact]
    public async Task Parallel_large_uploads_are_streamed_to_disk_and_the_servers_memory_stays_bounded()
    {
        const int uploads = 6;
        const int blobBytes = 60_000_000;
        var blob = new byte[blobBytes];
        new Random(16).NextBytes(blob); // incompressible: the package is as large as what it unpacks to
        var ledger = File.ReadAllBytes(typeof(Ledger).Assembly.Location);
        var packages = Enumerable.Range(0, uploads).Select(i => ComponentCompiler.Zip(
            ("clay-component.json", Encoding.UTF8.GetBytes("""{"name":"demo:big","entryAssembly":"Clay.Reliability.Component.dll"}""")),
            ("Clay.Reliability.Component.dll", ledger),
            ("data.bin", blob),
            ("version.txt", Encoding.UTF8.GetBytes(i.ToString())))).ToList();
        var before = ServerMemory.Resident(_server.Pid);

        var results = await Task.WhenAll(packages.Select(p => Uploads.SendAsync(_http, "demo:big", p)));

        var growth = ServerMemory.Peak(_server.Pid) - before;
        var uploaded = packages.Sum(p => (long)p.Length);
        output.WriteLine($"{uploads} parallel uploads, {uploaded / 1048576} MiB in all: server peak resident memory grew by {growth / 1048576} MiB (resident before: {before / 1048576} MiB)");
        Assert.All(results, r => Assert.True(r.Status == 201, r.Body.ToString()));
        Assert.Equal(Enumerable.Range(0, uploads).Select(i => (long)i), results.Select(r => r.Body.GetProperty("version").GetInt64()).Order());
        // Held in memory, six 60 MB uploads cost well over their 360 MB; streamed, a small fraction of it.
        Assert.True(growth < uploaded / 3, $"peak memory grew by {growth / 1048576} MiB for {uploaded / 1048576} MiB uploaded at once");
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(_server.DataDirectory, "uploads")));
    }

    /// <summary>A zip of <paramref name="entries"/> entries of zeros, each <paramref name="bytesEach"/> bytes unpacked.</summary>
    private static byte[] Bomb(int entries, long bytesEach)
    {
        var zeros = new byte[1 << 20];
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            for (var e = 0; e < entries; e++)
            {
                using var stream = zip.CreateEntry($"zeros{e}.bin", CompressionLevel.Optimal).Open();
                for (long written = 0; written < bytesEach; written += zeros.Length) stream.Write(zeros, 0, (int)Math.Min(zeros.Length, bytesEach - written));
            }
        }
        return buffer.ToArray();
    }

    /// <summary>A stream of zeros of a given length that cannot tell its length (so it is sent chunked).</summary>
    private sealed class ZeroStream(long length) : Stream
    {
        private long _left = length;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = (int)Math.Min(count, _left);
            Array.Clear(buffer, offset, n);
            _left -= n;
            return n;
        }
    }
}
