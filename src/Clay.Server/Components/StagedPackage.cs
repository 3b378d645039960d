using System.Security.Cryptography;
using Clay.Runtime.Errors;

namespace Clay.Server.Components;

/// <summary>
/// An upload on its way to the registry: written to a file in the data directory's staging folder
/// as it arrives (never held in memory), counted against the package limit and hashed on the way.
/// Disposing it deletes the file unless the registry took it.
/// </summary>
public sealed class StagedPackage : IDisposable
{
    private readonly FileStream _file;
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private readonly long _limit;
    private bool _taken;

    internal StagedPackage(string path, long limit)
    {
        FilePath = path;
        _limit = limit;
        try
        {
            _file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous);
        }
        catch (IOException ex)
        {
            throw PackageExtractor.Storage(ex);
        }
    }

    /// <summary>Where the package is being written.</summary>
    public string FilePath { get; }

    /// <summary>Bytes received so far.</summary>
    public long Size { get; private set; }

    /// <summary>The SHA-256 of the package, lower-case hex; set by <see cref="CompleteAsync"/>.</summary>
    public string? Hash { get; private set; }

    /// <summary>Appends a chunk of the upload.</summary>
    /// <exception cref="ClayException"><c>package-too-large</c> past the limit; <c>storage-unavailable</c> when the disk refuses.</exception>
    public async ValueTask WriteAsync(ReadOnlyMemory<byte> chunk, CancellationToken cancellationToken)
    {
        Size += chunk.Length;
        if (Size > _limit)
        {
            throw new ClayException(ServerErrorCodes.PackageTooLarge,
                $"the component package is larger than the limit of {_limit:N0} bytes (server option --max-package-size)");
        }
        _hash.AppendData(chunk.Span);
        try
        {
            await _file.WriteAsync(chunk, cancellationToken);
        }
        catch (IOException ex)
        {
            throw PackageExtractor.Storage(ex);
        }
    }

    /// <summary>Flushes the file and computes the hash: the package is complete.</summary>
    public async Task CompleteAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _file.FlushAsync(cancellationToken);
            _file.Flush(flushToDisk: true);
            await _file.DisposeAsync();
        }
        catch (IOException ex)
        {
            throw PackageExtractor.Storage(ex);
        }
        Hash = Convert.ToHexStringLower(_hash.GetHashAndReset());
    }

    /// <summary>The registry moved the file into the component's version: disposing no longer deletes it.</summary>
    internal void Taken() => _taken = true;

    /// <inheritdoc/>
    public void Dispose()
    {
        _hash.Dispose();
        try
        {
            _file.Dispose();
        }
        catch (IOException)
        {
            // The disk refused the last bytes; the file is deleted below all the same.
        }
        if (!_taken) File.Delete(FilePath);
    }
}
