using Clay.Runtime.Errors;
using Clay.Server.Components;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;

namespace Clay.Server.Api;

/// <summary>
/// Reads a component upload (<c>multipart/form-data</c> with a <c>name</c> field and a
/// <c>package</c> file) section by section, writing the package to a staging file as it arrives:
/// the server never holds a package in memory. A body that is not well-formed multipart is the
/// client's error (<c>invalid-request</c>), a disk that refuses the package is the server's
/// (<c>storage-unavailable</c>).
/// </summary>
internal static class PackageUploadReader
{
    private const int NameLimit = 1024;
    private const string Usage = "upload a component as multipart/form-data with a field 'name' and a file 'package'";

    /// <summary>The component name and its complete staged package; dispose the package when done.</summary>
    public static async Task<(string Name, StagedPackage Package)> ReadAsync(HttpRequest request, ComponentRegistry registry,
        CancellationToken cancellationToken)
    {
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var mediaType)
            || !string.Equals(mediaType.MediaType.Value, "multipart/form-data", StringComparison.OrdinalIgnoreCase))
        {
            throw Invalid(Usage);
        }
        var boundary = HeaderUtilities.RemoveQuotes(mediaType.Boundary).Value;
        if (string.IsNullOrWhiteSpace(boundary) || boundary.Length > 200)
        {
            throw Invalid("the multipart body has no valid boundary in its Content-Type; " + Usage);
        }
        var reader = new MultipartReader(boundary, request.Body) { HeadersCountLimit = 16, HeadersLengthLimit = 16 * 1024 };
        string? name = null;
        StagedPackage? package = null;
        try
        {
            while (await Malformed(() => reader.ReadNextSectionAsync(cancellationToken)) is { } section)
            {
                if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition)
                    || !disposition.DispositionType.Equals("form-data", StringComparison.OrdinalIgnoreCase))
                {
                    throw Invalid("a part of the multipart body has no 'Content-Disposition: form-data' header");
                }
                switch (HeaderUtilities.RemoveQuotes(disposition.Name).Value)
                {
                    case "name":
                        name = await ReadNameAsync(section.Body, cancellationToken);
                        break;
                    case "package" when package is null:
                        package = registry.Stage();
                        await CopyAsync(section.Body, package, cancellationToken);
                        break;
                    case "package":
                        throw Invalid("the upload holds more than one 'package'");
                    default:
                        await CopyAsync(section.Body, null, cancellationToken);
                        break;
                }
            }
            if (string.IsNullOrEmpty(name) || package is null) throw Invalid("the upload needs a 'name' field and a 'package' file");
            await package.CompleteAsync(cancellationToken);
            return (name, package);
        }
        catch
        {
            package?.Dispose();
            throw;
        }
    }

    private static async Task<string> ReadNameAsync(Stream body, CancellationToken cancellationToken)
    {
        var buffer = new byte[NameLimit + 1];
        var length = 0;
        int read;
        while ((read = await Malformed(() => body.ReadAsync(buffer.AsMemory(length), cancellationToken).AsTask())) > 0)
        {
            length += read;
            if (length > NameLimit) throw Invalid($"the 'name' field is longer than {NameLimit} bytes");
        }
        return System.Text.Encoding.UTF8.GetString(buffer, 0, length);
    }

    /// <summary>Copies a section into the staged package (or nowhere, for fields the API does not know).</summary>
    private static async Task CopyAsync(Stream body, StagedPackage? package, CancellationToken cancellationToken)
    {
        var buffer = new byte[81920];
        int read;
        while ((read = await Malformed(() => body.ReadAsync(buffer, cancellationToken).AsTask())) > 0)
        {
            if (package is not null) await package.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
        }
    }

    /// <summary>Runs a read of the request body, turning a malformed body into <c>invalid-request</c>.</summary>
    private static async Task<T> Malformed<T>(Func<Task<T>> read)
    {
        try
        {
            return await read();
        }
        catch (BadHttpRequestException)
        {
            throw; // the body is too large, or the client went away: the error middleware answers it
        }
        catch (Exception ex) when (ex is IOException or InvalidDataException)
        {
            throw Invalid($"the multipart body is malformed: {ex.Message}");
        }
    }

    private static ClayException Invalid(string message) => new(ServerErrorCodes.InvalidRequest, message);
}
