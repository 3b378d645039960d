using System.IO.Compression;
using System.Text;

namespace Clay.Reliability;

/// <summary>The ledger component as a deployable package.</summary>
public static class LedgerPackage
{
    /// <summary>The package: the manifest and the ledger's assembly.</summary>
    public static byte[] Build(string name)
    {
        var assembly = typeof(Ledger).Assembly.Location;
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            Add(zip, "clay-component.json", Encoding.UTF8.GetBytes($$"""{"name":"{{name}}","entryAssembly":"{{Path.GetFileName(assembly)}}"}"""));
            Add(zip, Path.GetFileName(assembly), File.ReadAllBytes(assembly));
        }
        return buffer.ToArray();

        static void Add(ZipArchive zip, string entryName, byte[] content)
        {
            using var stream = zip.CreateEntry(entryName).Open();
            stream.Write(content);
        }
    }

    /// <summary>Uploads the ledger to the server at <paramref name="server"/> as <paramref name="name"/>.</summary>
    public static async Task DeployAsync(HttpClient http, Uri server, string name)
    {
        using var form = new MultipartFormDataContent
        {
            { new StringContent(name), "name" },
            { new ByteArrayContent(Build(name)), "package", "ledger.zip" },
        };
        using var response = await http.PostAsync(new Uri(server, "v1/components"), form);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"deploying {name} failed: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
    }
}
